package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.wootrichub.HubConfiguration;
import org.wootrichub.mapping.WootricPlan;

/** The dispatch route of the real application (YAML routes, embedded broker), with Wootric delivery mocked. */
@CamelMainTest(
        configurationClasses = HubConfiguration.class,
        properties = {
            "camel.main.routesIncludePattern=file:routes/*.camel.yaml",
            "hub.http-port=0",
            "hub.management-port=0",
            "hub.data-dir=" + DispatchRouteTest.DATA,
            "hub.dispatch.consumers=1",
            "camel.routecontroller.enabled=false",
            // every event reaches the delivery step (coalescing is tested by CoalescingIT and friends)
            "wootric.coalesce.enabled=false"
        },
        advices = {
            @AdviceRouteMapping(route = "plan-event", advice = DispatchRouteTest.MockTransformers.class),
            @AdviceRouteMapping(route = "dispatch", advice = DispatchRouteTest.MockDelivery.class)
        })
class DispatchRouteTest {

    static final String DATA = "target/route-tests/dispatch";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        deleteTree(Path.of(DATA));
    }

    /** Each transformer's plan also reaches mock:transformer-TYPE. */
    public static class MockTransformers extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            for (String type : new String[] {"identify", "track", "page", "screen", "group", "alias"}) {
                weaveById(type + "-transformer").after().to("mock:transformer-" + type);
            }
        }
    }

    /** Stands in for Wootric: the plan that would have been delivered reaches mock:delivered. */
    public static class MockDelivery extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveById("deliver-plan").replace().to("mock:delivered");
            weaveById("adopt-pending-change").after().to("mock:adopted");
        }
    }

    @Produce
    ProducerTemplate producer;

    @EndpointInject("mock:transformer-identify")
    MockEndpoint identify;

    @EndpointInject("mock:delivered")
    MockEndpoint delivered;

    ConsumerTemplate consumer;

    @BeforeEach
    void consumer() {
        consumer = producer.getCamelContext().createConsumerTemplate();
    }

    private void sendNormalised(String type, String json) {
        producer.sendBodyAndHeaders("jms:queue:segment.events?exchangePattern=InOnly", json,
                Map.of("hubNormalised", "true", "segmentType", type, "JMSXGroupID", "u"));
    }

    @Test
    void identifyReachesTheIdentifyTransformerAndItsPlanIsDelivered() throws Exception {
        identify.expectedMessageCount(1);
        delivered.expectedMessageCount(1);

        sendNormalised("identify", "{\"type\":\"identify\",\"userId\":\"route-1\",\"traits\":{\"email\":\"r@example.com\"}}");

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        Exchange exchange = delivered.getExchanges().get(0);
        WootricPlan.EndUserPlan plan = exchange.getProperty("wootricPlan", WootricPlan.EndUserPlan.class);
        assertThat(plan.eventType()).isEqualTo("identify");
        assertThat(plan.key().externalId()).isEqualTo("route-1");
        assertThat(plan.profile().email()).isEqualTo("r@example.com");
        // the body stays the original event, for the dead-letter queue
        assertThat(exchange.getMessage().getBody(String.class)).contains("route-1");
    }

    /**
     * What the route sends for an event (parked, a pending change, a dead letter, a retry queue) must commit with the
     * event's receive: Camel's JMS producers take the session bound to the thread, which has to be the consumer's own.
     * With a transaction manager it was a second pooled session, committed apart from the receive.
     */
    @Test
    void theSendsMadeForAnEventUseTheSessionThatReceivedIt() throws Exception {
        ConnectionFactory factory = producer.getCamelContext().getComponent("jms", JmsComponent.class)
                .getConfiguration().getConnectionFactory();
        AtomicReference<String> found = new AtomicReference<>("not delivered");
        delivered.whenAnyExchangeReceived(exchange -> {
            Session received = exchange.getMessage(JmsMessage.class).getJmsSession();
            Object bound = TransactionSynchronizationManager.getResource(factory);
            found.set(bound instanceof JmsResourceHolder holder && holder.containsSession(received)
                    ? "the receiving session" : "another session: " + bound);
        });
        delivered.expectedMessageCount(1);

        sendNormalised("identify", "{\"type\":\"identify\",\"userId\":\"route-tx\"}");

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(found.get()).isEqualTo("the receiving session");
    }

    @ParameterizedTest
    @ValueSource(strings = {"identify", "track", "page", "screen", "group", "alias"})
    void eachTypeReachesItsOwnTransformer(String type) throws Exception {
        var context = producer.getCamelContext();
        for (String other : new String[] {"identify", "track", "page", "screen", "group", "alias"}) {
            context.getEndpoint("mock:transformer-" + other, MockEndpoint.class).expectedMessageCount(other.equals(type) ? 1 : 0);
        }
        delivered.expectedMessageCount(1);

        sendNormalised(type, "{\"type\":\"" + type + "\",\"userId\":\"u-" + type + "\",\"event\":\"E\",\"groupId\":\"g\",\"previousId\":\"p\"}");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(delivered.getExchanges().get(0).getProperty("wootricPlan", WootricPlan.class).eventType()).isEqualTo(type);
    }

    @Test
    void anUnknownTypeBypassesTheTransformersAndIsDeadLettered() throws Exception {
        identify.expectedMessageCount(0);
        delivered.expectedMessageCount(0);

        sendNormalised("purchase", "{\"type\":\"purchase\",\"userId\":\"route-2\",\"messageId\":\"route-msg-2\"}");

        Exchange dead = consumer.receive("jms:queue:wootric.dlq", 10_000);
        assertThat(dead).isNotNull();
        assertThat(dead.getMessage().getBody(String.class)).contains("route-msg-2");
        assertThat(dead.getMessage().getHeader("hubReason")).isEqualTo("unsupported_type");
        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
    }

    @Test
    void eventsTurnedOffInTheirIntegrationsObjectAreSkipped() throws Exception {
        // one group, one consumer: "off" is handled before "on"
        sendNormalised("identify", "{\"type\":\"identify\",\"userId\":\"off\",\"integrations\":{\"Wootric\":false}}");
        sendNormalised("identify", "{\"type\":\"identify\",\"userId\":\"on\",\"integrations\":{\"All\":false,\"Wootric\":true}}");
        identify.expectedMessageCount(1);
        delivered.expectedMessageCount(1);
        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(delivered.getExchanges().get(0).getMessage().getBody(String.class)).contains("\"on\"");
    }

    @Test
    void aPendingChangeWakeUpIsAdoptedAndNeitherPlannedNorDelivered() throws Exception {
        var context = producer.getCamelContext();
        MockEndpoint adopted = context.getEndpoint("mock:adopted", MockEndpoint.class);
        adopted.expectedMessageCount(1);
        adopted.expectedHeaderReceived("hubUserKey", "woken");
        identify.expectedMessageCount(0);
        delivered.expectedMessageCount(0);

        // not a Segment event: no body, and not marked normalised (a raw message would go to the ingress-queue route)
        producer.sendBodyAndHeaders("jms:queue:segment.events?exchangePattern=InOnly", "",
                Map.of("hubPendingWake", "true", "hubUserKey", "woken", "JMSXGroupID", "woken"));

        MockEndpoint.assertIsSatisfied(context);
        assertThat(consumer.receive("jms:queue:segment.rejected", 500)).as("nothing rejected").isNull();
    }

    @Test
    void rawQueueMessagesAreNormalisedThenDispatched() throws Exception {
        identify.expectedMessageCount(2);
        delivered.expectedMessageCount(2);

        producer.sendBody("jms:queue:segment.events?exchangePattern=InOnly",
                "{\"batch\":[{\"type\":\"identify\",\"userId\":\"raw-1\"},{\"type\":\"identify\",\"anonymousId\":\"raw-2\"}],"
                        + "\"context\":{\"locale\":\"fr-FR\"}}");

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        for (Exchange exchange : delivered.getExchanges()) {
            JsonNode event = JSON.readTree(exchange.getMessage().getBody(String.class));
            assertThat(event.get("receivedAt").asText()).isNotBlank();
            assertThat(event.get("messageId").asText()).isNotBlank();
            assertThat(event.get("context").get("locale").asText()).isEqualTo("fr-FR");
        }
    }

    @Test
    void invalidQueueMessagesReachSegmentRejectedWithTheirReason() {
        producer.sendBody("jms:queue:segment.events?exchangePattern=InOnly", "{\"type\":\"track\",\"userId\":\"nope\"}");
        Exchange rejected = consumer.receive("jms:queue:segment.rejected", 10_000);
        assertThat(rejected).isNotNull();
        assertThat(rejected.getMessage().getHeader("hubReason")).isEqualTo("missing_event");

        producer.sendBody("jms:queue:segment.events?exchangePattern=InOnly", "not json at all");
        Exchange notJson = consumer.receive("jms:queue:segment.rejected", 10_000);
        assertThat(notJson).isNotNull();
        assertThat(notJson.getMessage().getHeader("hubReason")).isEqualTo("invalid_json");
        assertThat(notJson.getMessage().getBody(String.class)).isEqualTo("not json at all");
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
