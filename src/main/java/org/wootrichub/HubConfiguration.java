package org.wootrichub;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.admin.AdminApi;
import org.wootrichub.admin.DeadLetters;
import org.wootrichub.broker.EmbeddedBroker;
import org.wootrichub.broker.EventPublisher;
import org.wootrichub.broker.ParkedEvents;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.SecretMasker;
import org.wootrichub.ingress.HttpIngress;
import org.wootrichub.ingress.HttpServerGuards;
import org.wootrichub.ingress.IngressLimits;
import org.wootrichub.ingress.IngressReplies;
import org.wootrichub.ingress.QueueIngress;
import org.wootrichub.ingress.WebhookSignature;
import org.wootrichub.ingress.WriteKeys;
import org.wootrichub.wootric.CamelWootricTransport;
import org.wootrichub.delivery.DeliveryFailures;
import org.wootrichub.delivery.DeliveryStep;
import org.wootrichub.mapping.AliasTransformer;
import org.wootrichub.delivery.EndUserCache;
import org.wootrichub.mapping.GroupTransformer;
import org.wootrichub.mapping.MappingSettings;
import org.wootrichub.mapping.PageTransformer;
import org.wootrichub.mapping.ScreenTransformer;
import org.wootrichub.mapping.TrackTransformer;
import org.wootrichub.mapping.IdentifyTransformer;
import org.wootrichub.delivery.Parking;
import org.wootrichub.delivery.PlanExecutor;
import org.wootrichub.delivery.UserHolds;
import org.wootrichub.wootric.RateLimiter;
import org.wootrichub.wootric.TokenSource;
import org.wootrichub.wootric.WootricClient;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricEndpoints;

/**
 * Makes the beans the route files refer to by name, and the broker connection. The JMS component is wired here
 * rather than in properties because the embedded broker must be running before the first consumer connects.
 */
public class HubConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HubConfiguration.class);

    /** The broker's own connection factory (unpooled), for management requests. */
    private ActiveMQConnectionFactory artemis;

    @Override
    public void configure(CamelContext context) throws Exception {
        HubSettings settings = new HubSettings(context);
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();

        QueueNames queues = new QueueNames(settings.text("hub.queues.events", "segment.events"),
                settings.text("hub.queues.rejected", "segment.rejected"), settings.text("hub.queues.dlq", "wootric.dlq"));
        ConnectionFactory connectionFactory = brokerConnection(context, settings, queues);
        context.getComponent("jms", JmsComponent.class).setConnectionFactory(connectionFactory);

        new HttpServerGuards(settings.duration("hub.http.idle-timeout", "30s"), settings.duration("hub.http.header-timeout", "30s"),
                settings.duration("hub.http.body-timeout", "30s")).install(context);

        HubMetrics metrics = new HubMetrics(() -> context.getRegistry().findSingleByType(MeterRegistry.class));
        registry.bind("hubMetrics", metrics);

        WriteKeys writeKeys = new WriteKeys(settings.text("hub.write-keys", ""));
        if (writeKeys.isEmpty()) {
            LOG.warn("HUB_WRITE_KEYS is not set: every ingress request will be answered 401 until a write key is configured");
        }
        IngressLimits limits = IngressLimits.SEGMENT;
        registry.bind("httpIngress", new HttpIngress(writeKeys, new WebhookSignature(settings.text("hub.webhook-secret", "")),
                limits, settings.bool("hub.trust-proxy", false), clock));
        registry.bind("queueIngress", new QueueIngress(limits, clock));
        registry.bind("eventPublisher", new EventPublisher(connectionFactory, queues, metrics));
        mountAdminApi(context, settings, connectionFactory, queues);

        WootricCredentials credentials = new WootricCredentials(settings.text("wootric.account-token", null),
                settings.text("wootric.client-id", null), settings.text("wootric.client-secret", null),
                settings.text("wootric.username", null), settings.text("wootric.password", null));
        if (!credentials.configured()) {
            LOG.warn("No Wootric credentials (WOOTRIC_CLIENT_ID and WOOTRIC_CLIENT_SECRET): deliveries will be dead-lettered as auth_failed");
        }
        List<String> secrets = new ArrayList<>(credentials.secrets());
        secrets.add(settings.text("hub.broker.password", null));
        secrets.add(settings.text("hub.webhook-secret", null));
        secrets.add(settings.text("hub.admin-token", null));
        SecretMasker masker = new SecretMasker(secrets);
        registry.bind("ingressReplies", new IngressReplies(metrics, masker, settings.integer("hub.ingress.retry-after-seconds", 5)));

        WootricEndpoints endpoints = WootricEndpoints.of(settings.text("wootric.base-url", null), credentials.accountToken(),
                new WootricEndpoints.Hosts(settings.text("wootric.hosts.us", WootricEndpoints.Hosts.WOOTRIC.us()),
                        settings.text("wootric.hosts.eu", WootricEndpoints.Hosts.WOOTRIC.eu()),
                        settings.text("wootric.hosts.au", WootricEndpoints.Hosts.WOOTRIC.au())));
        LOG.info("Wootric API at {} (region {})", endpoints.apiBase(), endpoints.region());
        int instances = Math.max(1, settings.integer("wootric.rate-limit.instances", 1));
        // several hub instances share the account's budget by each taking its share of it
        RateLimiter limiter = new RateLimiter(settings.integer("wootric.rate-limit.per-minute", 100) / instances,
                settings.duration("wootric.rate-limit.window", "60s").toMillis(),
                settings.integer("wootric.max-concurrent-calls", 4), System::currentTimeMillis);
        registry.bind("wootricRateLimiter", limiter);
        CamelWootricTransport transport = new CamelWootricTransport(context.createProducerTemplate(), limiter);
        TokenSource tokens = new TokenSource(transport, endpoints, credentials, clock);
        WootricClient client = new WootricClient(transport, tokens, endpoints, metrics);
        EndUserCache endUsers = new EndUserCache(settings.integer("wootric.end-user-cache.size", 50_000),
                settings.duration("wootric.end-user-cache.ttl", "1h"),
                settings.duration("wootric.end-user-cache.properties-freshness", "10m"), clock);
        registry.bind("deliveryStep", new DeliveryStep(new PlanExecutor(client, endUsers, metrics)));

        MappingSettings mapping = new MappingSettings(
                MappingSettings.names(settings.text("wootric.track.response-events", "Survey Responded")),
                MappingSettings.names(settings.text("wootric.track.decline-events", "Survey Declined")),
                MappingSettings.names(settings.text("wootric.track.survey-trigger-events", "")),
                !"ignore".equalsIgnoreCase(settings.text("wootric.track.other-events", "record")),
                !"ignore".equalsIgnoreCase(settings.text("wootric.page.mode", "record")));
        registry.bind("identifyTransformer", new IdentifyTransformer(metrics));
        registry.bind("trackTransformer", new TrackTransformer(mapping));
        registry.bind("pageTransformer", new PageTransformer(mapping));
        registry.bind("screenTransformer", new ScreenTransformer(mapping));
        registry.bind("groupTransformer", new GroupTransformer());
        registry.bind("aliasTransformer", new AliasTransformer());
        UserHolds holds = new UserHolds(settings.duration("wootric.retry.park-initial-delay", "1s"),
                settings.duration("wootric.retry.park-max-delay", "5m"), System::currentTimeMillis);
        registry.bind("parking", new Parking(holds));
        restoreHolds(holds, queues, settings.integer("hub.holds.restore-limit", 100_000));
        registry.bind("deliveryFailures", new DeliveryFailures(queues.events(), queues.deadLetters(),
                settings.duration("wootric.retry.max-age", "4h"), holds, masker, metrics, HubApplication.version(), clock));
    }

    /**
     * Holds live in memory: rebuild them from the parked events on the broker before the first event is dispatched,
     * so a held user's new events still wait behind its parked ones after a restart.
     */
    private void restoreHolds(UserHolds holds, QueueNames queues, long limit) {
        try {
            long scheduled = ParkedEvents.count(artemis, queues.events());
            if (scheduled > limit) {
                // listing them all would take more memory than the hub has: order across this restart is not kept
                LOG.warn("{} parked events exceed hub.holds.restore-limit ({}): user holds are not restored; a held user's new "
                        + "events may pass its parked ones", scheduled, limit);
                return;
            }
            List<ParkedEvents.Parked> parked = ParkedEvents.list(artemis, queues.events());
            for (ParkedEvents.Parked event : parked) {
                Instant firstFailure = event.firstFailure() == null ? null : Instant.parse(event.firstFailure());
                holds.restore(event.userKey(), event.seq(), event.round(), firstFailure);
            }
            if (!parked.isEmpty()) {
                LOG.info("Restored the holds of {} users from {} parked events", holds.size(), parked.size());
            }
        } catch (Exception e) {
            LOG.warn("Could not read the parked events to restore user holds ({}); order across parking is kept from now on",
                    e.getMessage());
        }
    }

    /** The dead-letter admin API, on the management port, only when HUB_ADMIN_TOKEN is set. */
    private static void mountAdminApi(CamelContext context, HubSettings settings, ConnectionFactory connectionFactory, QueueNames queues)
            throws Exception {
        String token = settings.text("hub.admin-token", null);
        if (token == null) {
            LOG.info("HUB_ADMIN_TOKEN is not set: the dead-letter admin API is off");
            return;
        }
        AdminApi api = new AdminApi(new DeadLetters(connectionFactory, queues), token);
        int port = settings.integer("hub.management-port", 9876);
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the management server is up only once the context has fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                api.mount(started, port);
            }
        });
    }

    private ConnectionFactory brokerConnection(CamelContext context, HubSettings settings, QueueNames queues) throws Exception {
        String url = settings.text("hub.broker.url", null);
        if (url == null) {
            Path dataDir = Path.of(settings.text("hub.data-dir", "./data"));
            EmbeddedBroker broker = new EmbeddedBroker(dataDir, queues,
                    settings.integer("hub.broker.duplicate-id-cache-size", 100_000),
                    settings.integer("hub.broker.embedded-tcp-port", 0));
            broker.start();
            // added first, so stopped last: after the routes and the connection pool
            context.addService(broker, true, true);
            artemis = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
        } else {
            LOG.info("Using the external broker at {}", url.replaceAll("(?i)password=[^&]*", "password=****"));
            artemis = new ActiveMQConnectionFactory(url, settings.text("hub.broker.user", null), settings.text("hub.broker.password", null));
        }
        // without it every createQueue is a blocking round trip to the broker
        artemis.setCacheDestinations(true);
        // the publisher's asynchronous sends are confirmed by the broker only with a confirmation window: without
        // one the client would call the completion listener before the message is stored
        artemis.setConfirmationWindowSize(256 * 1024);
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(settings.integer("hub.broker.max-connections", 2));
        pool.setMaxSessionsPerConnection(500);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                pool.stop();
            }
        }, true, true);
        return pool;
    }
}
