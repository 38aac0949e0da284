package org.wootrichub.routes;

import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.wootrichub.HubConfiguration;
import org.wootrichub.broker.EventPublisher;

/**
 * The application as the route tests without a broker boot it, once per test class: the broker URL points where
 * nothing listens (so the embedded broker does not start, and a route that reached the broker instead of a mock
 * would fail), the dispatch route consumes from direct:dispatch instead of JMS, every JMS endpoint is a mock, and
 * the eventPublisher bean that the ingress routes end with is a recording stand-in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(
        configurationClasses = HubConfiguration.class,
        properties = {
            "camel.main.routesIncludePattern=file:routes/*.camel.yaml",
            "hub.http-port=0",
            "hub.management-port=0",
            "hub.broker.url=tcp://127.0.0.1:1",
            "camel.routecontroller.enabled=false",
            "hub.write-keys=other-key," + RouteTestSupport.WRITE_KEY,
            "hub.ingress.retry-after-seconds=7",
            // whatever the machine's processors, connections are taken by two event loops
            "hub.http.event-loops=2",
            // quick in-process retries; a max age of a minute (4 hours by default)
            "wootric.retry.in-process-attempts=" + RouteTestSupport.QUICK_RETRIES,
            "wootric.retry.initial-delay-ms=" + RouteTestSupport.QUICK_RETRY_DELAY_MS,
            "wootric.retry.in-process-max-delay-ms=" + RouteTestSupport.QUICK_RETRY_MAX_DELAY_MS,
            "wootric.retry.max-age=1m",
            // every event delivered as it comes (the coalescing route test turns it on)
            "wootric.coalesce.enabled=false"
        },
        replaceRouteFromWith = "dispatch=direct:dispatch",
        mockEndpointsAndSkip = "jms:*")
abstract class RouteTestSupport {

    static final String WRITE_KEY = "route-test-key";
    static final int QUICK_RETRIES = 2;
    static final int QUICK_RETRY_DELAY_MS = 1;
    static final int QUICK_RETRY_MAX_DELAY_MS = 5;

    final RecordingPublisher publisher = new RecordingPublisher();

    @Produce
    ProducerTemplate producer;

    @ReplaceInRegistry
    EventPublisher eventPublisher() {
        return publisher;
    }

    @BeforeEach
    void resetPublisher() {
        publisher.reset();
    }
}
