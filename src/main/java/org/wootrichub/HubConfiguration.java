package org.wootrichub;

import io.vertx.core.VertxOptions;
import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Processor;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;
import org.apache.camel.support.service.ServiceSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.admin.AdminApi;
import org.wootrichub.admin.DeadLetters;
import org.wootrichub.admin.OutcomeLog;
import org.wootrichub.admin.OutcomeWriter;
import org.wootrichub.admin.RecordOutcome;
import org.wootrichub.admin.Overview;
import org.wootrichub.admin.Preview;
import org.wootrichub.broker.BacklogGauges;
import org.wootrichub.broker.BrokerManagement;
import org.wootrichub.broker.EmbeddedBroker;
import org.wootrichub.broker.EventPublisher;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.delivery.Coalescer;
import org.wootrichub.delivery.DeliveryFailures;
import org.wootrichub.delivery.DeliveryStep;
import org.wootrichub.delivery.EndUserCache;
import org.wootrichub.delivery.HoldsFromBroker;
import org.wootrichub.delivery.IntegrationsOff;
import org.wootrichub.delivery.Parking;
import org.wootrichub.delivery.ParseEvent;
import org.wootrichub.delivery.PendingChange;
import org.wootrichub.delivery.PendingChanges;
import org.wootrichub.delivery.PendingFlusher;
import org.wootrichub.delivery.PendingStore;
import org.wootrichub.delivery.PendingSweep;
import org.wootrichub.delivery.PlanExecutor;
import org.wootrichub.delivery.PlanStep;
import org.wootrichub.delivery.QuickRetries;
import org.wootrichub.delivery.UserHolds;
import org.wootrichub.ingress.EventLoopHttpEngine;
import org.wootrichub.ingress.HttpIngress;
import org.wootrichub.ingress.HttpServerGuards;
import org.wootrichub.ingress.IngressFront;
import org.wootrichub.ingress.IngressLimits;
import org.wootrichub.ingress.IngressReplies;
import org.wootrichub.ingress.QueueIngress;
import org.wootrichub.ingress.WebhookSignature;
import org.wootrichub.ingress.WriteKeys;
import org.wootrichub.mapping.AliasTransformer;
import org.wootrichub.mapping.GroupTransformer;
import org.wootrichub.mapping.IdentifyTransformer;
import org.wootrichub.mapping.MappingSettings;
import org.wootrichub.mapping.PageTransformer;
import org.wootrichub.mapping.ScreenTransformer;
import org.wootrichub.mapping.TrackTransformer;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.SecretMasker;
import org.wootrichub.wootric.budget.BudgetLane;
import org.wootrichub.wootric.CamelWootricTransport;
import org.wootrichub.wootric.DeferredTlsHttpComponent;
import org.wootrichub.wootric.recording.DryRunTransport;
import org.wootrichub.wootric.recording.RecordingTransport;
import org.wootrichub.wootric.budget.BudgetStep;
import org.wootrichub.wootric.budget.RateLimiter;
import org.wootrichub.wootric.TokenSource;
import org.wootrichub.wootric.WootricClient;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricEndpoints;
import org.wootrichub.wootric.WootricTransport;

/**
 * The hub's beans, one method each, named as the route files refer to them. Every setting comes from
 * application.properties (overridden by the environment), where its default is written; nothing here repeats one.
 *
 * <p>The beans are made eagerly, so that a test's {@code @ReplaceInRegistry} replaces them. Camel makes the methods
 * whose parameters are only settings first, then those that take such beans: so a bean takes settings and beans of
 * the first kind only, never a bean of its own kind. Nothing here connects to the broker; {@link #configure} starts
 * the embedded broker after the beans are made and before the first route starts.
 */
public class HubConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HubConfiguration.class);

    @PropertyInject("hub.broker.url")
    private String brokerUrl;
    @PropertyInject("hub.broker.user")
    private String brokerUser;
    @PropertyInject("hub.broker.password")
    private String brokerPassword;
    @PropertyInject("hub.broker.max-connections")
    private int brokerMaxConnections;
    @PropertyInject("hub.broker.duplicate-id-cache-size")
    private int duplicateIdCacheSize;
    @PropertyInject("hub.broker.embedded-tcp-port")
    private int embeddedTcpPort;
    @PropertyInject("hub.data-dir")
    private String dataDir;
    @PropertyInject("hub.outcomes.max")
    private long outcomesMax;
    @PropertyInject("hub.holds.restore-limit")
    private long holdsRestoreLimit;
    @PropertyInject("hub.holds.refresh")
    private String holdsRefresh;
    @PropertyInject("hub.admin-token")
    private String adminToken;
    @PropertyInject("hub.management-port")
    private int managementPort;
    @PropertyInject("wootric.coalesce.enabled")
    private boolean coalesceEnabled;
    @PropertyInject("wootric.coalesce.sweep")
    private String coalesceSweep;
    @PropertyInject("hub.http.idle-timeout")
    private String idleTimeout;

    @PropertyInject("hub.http.worker-threads")
    private int httpWorkerThreads;
    @PropertyInject("hub.http.event-loops")
    private int httpEventLoops;
    @PropertyInject("hub.http.header-timeout")
    private String headerTimeout;
    @PropertyInject("hub.http.body-timeout")
    private String bodyTimeout;
    @PropertyInject("hub.cors-origins")
    private String corsOrigins;
    @PropertyInject("camel.server.maxBodySize")
    private long maxBodySize;

    /** The broker is asked for the backlog gauges at most this often, whatever the scrape rate. */
    private static final long BACKLOG_REFRESH_MILLIS = 5_000;

    /** How long an external broker keeps the consumers of a hub that stopped answering its pings. */
    private static final long CONNECTION_TTL_MILLIS = 10_000;

    /** Outcome-log records that may wait for the broker (a few seconds of delivery at full speed); more are dropped. */
    private static final int OUTCOMES_WAITING_MAX = 10_000;

    /** The broker's own connection factory (unpooled), for management requests. */
    private ActiveMQConnectionFactory artemis;
    private JmsPoolConnectionFactory pool;
    /** The embedded broker, or null with an external one. */
    private volatile EmbeddedBroker embeddedBroker;

    /**
     * What must happen before the first route starts: the broker, JMS on it, the HTTP servers' guards, the users'
     * holds. Starting the embedded broker and reading what it holds (parked events, pending changes) take
     * a second of a start; they run on a thread of their own while Camel reads and builds the routes, and the routes
     * wait for them (docs/benchmarks.md, start to ready). Once the context has fully started (the management server
     * and the metrics registry exist only then): the gauges and the admin API.
     */
    @Override
    public void configure(CamelContext context) throws Exception {
        QueueNames queues = context.getRegistry().lookupByNameAndType("hubQueues", QueueNames.class);
        EmbeddedBroker broker = blankToNull(brokerUrl) == null ? new EmbeddedBroker(Path.of(dataDir.trim()), queues,
                duplicateIdCacheSize, embeddedTcpPort, outcomesMax) : null;
        if (broker != null) {
            // added before the pool's stop service, so stopped after it
            context.addService(broker, true, true);
        }
        CompletableFuture<Void> brokerRead = new CompletableFuture<>();
        // a start that fails before the broker thread is done stops the broker only once that thread is: a broker
        // stopped while it starts could be left running
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                brokerRead.exceptionally(failed -> null).join();
            }
        }, true, true);
        BrokerManagement management = new BrokerManagement(artemis);
        UserHolds holds = context.getRegistry().lookupByNameAndType("userHolds", UserHolds.class);
        HoldsFromBroker holdsFromBroker = new HoldsFromBroker(holds, management, queues.events(), holdsRestoreLimit,
                HubSettings.parseDuration(holdsRefresh), System::currentTimeMillis);
        PendingSweep sweep = coalesceEnabled ? pendingSweep(context, queues) : null;
        onItsOwnThread("hub-broker-start", brokerRead, () -> {
            if (broker != null) {
                broker.start();
                embeddedBroker = broker;
            }
            // the two reads are a few broker requests each, independent of each other
            CompletableFuture<Void> pendingRead = new CompletableFuture<>();
            if (sweep == null) {
                pendingRead.complete(null);
            } else {
                onItsOwnThread("hub-pending-read", pendingRead, () -> {
                    wakeAll(sweep);
                    return null;
                });
            }
            // holds live in memory: rebuilt before the first event is dispatched, then refreshed for groups taken over
            holdsFromBroker.restoreAll();
            await(pendingRead);
            return null;
        });
        EventPublisher publisher = context.getRegistry().lookupByNameAndType("eventPublisher", EventPublisher.class);
        // added after the broker, so stopped before it
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                if (publisher != null) {
                    publisher.close();
                }
                pool.stop();
            }
        }, true, true);
        context.getComponent("jms", JmsComponent.class).setConnectionFactory(pool);
        // idle, header and body timeouts on the ingress and management servers, before they accept a connection;
        // the ingress route runs on the event loops (EventLoopHttpEngine), so it takes as many as there are cores
        int eventLoops = httpEventLoops > 0 ? httpEventLoops : Runtime.getRuntime().availableProcessors();
        VertxOptions vertxOptions = new VertxOptions().setWorkerPoolSize(httpWorkerThreads);
        vertxOptions.setEventLoopPoolSize(Math.max(vertxOptions.getEventLoopPoolSize(), eventLoops));
        HttpServerGuards guards = new HttpServerGuards(HubSettings.parseDuration(idleTimeout), HubSettings.parseDuration(headerTimeout),
                HubSettings.parseDuration(bodyTimeout), vertxOptions, eventLoops);
        guards.install(context);
        // HubApplication asks it, once started, whether both servers listen
        context.getRegistry().bind("httpServerGuards", guards);
        OutcomeWriter outcomeWriter = context.getRegistry().lookupByNameAndType("outcomeWriter", OutcomeWriter.class);
        bindDispatchSteps(context);
        HubMetrics metrics = context.getRegistry().lookupByNameAndType("hubMetrics", HubMetrics.class);
        metrics.bind(holds);
        metrics.bind(outcomeWriter);
        metrics.bind(new BacklogGauges(management, queues, BACKLOG_REFRESH_MILLIS, System::currentTimeMillis));
        IngressFront front = new IngressFront(corsOrigins, maxBodySize, metrics);
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext starting, boolean alreadyStarted) throws Exception {
                // after the routes are built, before the first one starts
                await(brokerRead);
                // each added after the pool's stop service, so stopped (and what waits written) before it
                holdsFromBroker.start();
                starting.addService(holdsFromBroker, true, true);
                outcomeWriter.start();
                starting.addService(outcomeWriter, true, true);
                if (sweep != null) {
                    sweep.start();
                    starting.addService(sweep, true, true);
                    starting.addService(starting.getRegistry().lookupByNameAndType("pendingFlusher", PendingFlusher.class), true, true);
                }
            }

            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the ingress server's router exists once the servers have started, before the routes take requests
                // (called again once the supervising route controller has started the routes: installed once)
                started.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                        .filter(VertxPlatformHttpRouter::isMainServer).forEach(front::install);
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                if (started.getComponent("http") instanceof DeferredTlsHttpComponent http) {
                    http.makeTlsInBackground();
                }
                metrics.start();
                mountAdminApi(started, queues, metrics);
            }
        });
    }

    /**
     * The dispatch route's steps that every event takes, as processors: a bean step binds its method's parameters
     * through Camel's bean component on each call, which cost more than these methods' own work (docs/benchmarks.md,
     * session 9). Bound here, once both beans exist: they hold those instances, so a test that replaces parking or
     * coalescer in the registry has to bind these again.
     */
    private static void bindDispatchSteps(CamelContext context) {
        Parking parking = context.getRegistry().lookupByNameAndType("parking", Parking.class);
        Coalescer coalescer = context.getRegistry().lookupByNameAndType("coalescer", Coalescer.class);
        Processor holdAdmission = parking::admit;
        Processor holdRelease = parking::finished;
        Processor coalesceChange = coalescer::admit;
        context.getRegistry().bind("holdAdmission", holdAdmission);
        context.getRegistry().bind("holdRelease", holdRelease);
        context.getRegistry().bind("coalesceChange", coalesceChange);
    }

    // --- shared

    @BindToRegistry
    public QueueNames hubQueues(@PropertyInject("hub.queues.events") String events,
            @PropertyInject("hub.queues.rejected") String rejected, @PropertyInject("hub.queues.dlq") String deadLetters,
            @PropertyInject("hub.queues.pending") String pending) {
        return new QueueNames(events, rejected, deadLetters, pending);
    }

    @BindToRegistry
    public HubMetrics hubMetrics(CamelContext context) {
        // Camel binds its Prometheus registry after the beans are made: looked up on first use
        return new HubMetrics(() -> context.getRegistry().findSingleByType(MeterRegistry.class));
    }

    @BindToRegistry
    public SecretMasker secretMasker(@PropertyInject("wootric.client-secret") String clientSecret,
            @PropertyInject("wootric.password") String password, @PropertyInject("hub.broker.password") String brokerPassword,
            @PropertyInject("hub.webhook-secret") String webhookSecret, @PropertyInject("hub.admin-token") String adminToken) {
        return new SecretMasker(Stream.of(clientSecret, password, brokerPassword, webhookSecret, adminToken)
                .map(HubConfiguration::blankToNull).toList());
    }

    // --- ingress

    /** platform-http's engine: the ingress route runs on the event loop that read its request. */
    @BindToRegistry("platform-http-engine")
    public EventLoopHttpEngine platformHttpEngine() {
        return new EventLoopHttpEngine(Set.of("ingress-http"));
    }

    @BindToRegistry
    public HttpIngress httpIngress(@PropertyInject("hub.write-keys") String writeKeys,
            @PropertyInject("hub.webhook-secret") String webhookSecret, @PropertyInject("hub.trust-proxy") boolean trustProxy) {
        WriteKeys keys = new WriteKeys(writeKeys);
        if (keys.isEmpty()) {
            LOG.warn("HUB_WRITE_KEYS is not set: every ingress request will be answered 401 until a write key is configured");
        }
        return new HttpIngress(keys, new WebhookSignature(webhookSecret), IngressLimits.SEGMENT, trustProxy, Clock.systemUTC());
    }

    @BindToRegistry
    public QueueIngress queueIngress() {
        return new QueueIngress(IngressLimits.SEGMENT, Clock.systemUTC());
    }

    @BindToRegistry
    public IngressReplies ingressReplies(@BeanInject("hubMetrics") HubMetrics metrics, @BeanInject("secretMasker") SecretMasker masker,
            @PropertyInject("hub.ingress.retry-after-seconds") int retryAfterSeconds) {
        return new IngressReplies(metrics, masker, retryAfterSeconds);
    }

    // --- broker

    @BindToRegistry
    public EventPublisher eventPublisher(@BeanInject("hubConnectionFactory") ConnectionFactory connectionFactory,
            @BeanInject("hubQueues") QueueNames queues, @BeanInject("hubMetrics") HubMetrics metrics) {
        // with the embedded broker, a duplicate is found in its duplicate-id cache before it is sent
        return new EventPublisher(connectionFactory, queues, metrics, id -> {
            EmbeddedBroker broker = embeddedBroker;
            return broker != null && broker.storedOnEventsQueue(id);
        }, () -> {
            EmbeddedBroker broker = embeddedBroker;
            return broker == null ? null : broker.groupSession();
        });
    }

    // --- mapping

    @BindToRegistry
    public MappingSettings mappingSettings(@PropertyInject("wootric.track.response-events") String responseEvents,
            @PropertyInject("wootric.track.decline-events") String declineEvents,
            @PropertyInject("wootric.track.survey-trigger-events") String surveyTriggerEvents,
            @PropertyInject("wootric.track.other-events") String otherEvents, @PropertyInject("wootric.page.mode") String pageMode) {
        return MappingSettings.of(responseEvents, declineEvents, surveyTriggerEvents, otherEvents, pageMode);
    }

    // --- the dispatch routes' steps: the event parsed, the integrations filter, and a transformer per event type
    // (mapping/, free of Camel) called through a PlanStep (routes/dispatch.camel.yaml)

    @BindToRegistry
    public ParseEvent parseEvent() {
        return new ParseEvent();
    }

    @BindToRegistry
    public IntegrationsOff integrationsOff() {
        return new IntegrationsOff();
    }

    @BindToRegistry
    public PlanStep identifyPlan(@BeanInject("hubMetrics") HubMetrics metrics) {
        return PlanStep.ofEvent(new IdentifyTransformer(metrics)::plan);
    }

    @BindToRegistry
    public PlanStep trackPlan(@BeanInject("mappingSettings") MappingSettings mapping) {
        return PlanStep.ofEvent(new TrackTransformer(mapping)::plan);
    }

    @BindToRegistry
    public PlanStep pagePlan(@BeanInject("mappingSettings") MappingSettings mapping) {
        return PlanStep.ofEvent(new PageTransformer(mapping)::plan);
    }

    @BindToRegistry
    public PlanStep screenPlan(@BeanInject("mappingSettings") MappingSettings mapping) {
        return PlanStep.ofEvent(new ScreenTransformer(mapping)::plan);
    }

    @BindToRegistry
    public PlanStep groupPlan() {
        return PlanStep.ofEvent(new GroupTransformer()::plan);
    }

    @BindToRegistry
    public PlanStep aliasPlan() {
        return PlanStep.ofEvent(new AliasTransformer()::plan);
    }

    @BindToRegistry
    public PlanStep pendingChangePlan() {
        return PlanStep.ofBody(PendingChange::replayPlan);
    }

    // --- the Wootric API

    @BindToRegistry
    public WootricCredentials wootricCredentials(@PropertyInject("wootric.account-token") String accountToken,
            @PropertyInject("wootric.client-id") String clientId, @PropertyInject("wootric.client-secret") String clientSecret,
            @PropertyInject("wootric.username") String username, @PropertyInject("wootric.password") String password,
            @PropertyInject("wootric.dry-run") boolean dryRun) {
        WootricCredentials credentials = new WootricCredentials(blankToNull(accountToken), blankToNull(clientId),
                blankToNull(clientSecret), blankToNull(username), blankToNull(password));
        if (dryRun) {
            LOG.warn("WOOTRIC_DRY_RUN is on: nothing is sent to Wootric; each request is recorded in the outcome log (/admin/events)");
        } else if (!credentials.configured()) {
            LOG.warn("No Wootric credentials (WOOTRIC_CLIENT_ID and WOOTRIC_CLIENT_SECRET): deliveries will be dead-lettered as auth_failed");
        }
        return credentials;
    }

    /** The "http" component of the route files (the Wootric calls); camel.component.http.* configure it as Camel's own. */
    @BindToRegistry("http")
    public HttpComponent http() {
        return new DeferredTlsHttpComponent();
    }

    @BindToRegistry
    public WootricEndpoints wootricEndpoints(@PropertyInject("wootric.account-token") String accountToken,
            @PropertyInject("wootric.base-url") String baseUrl, @PropertyInject("wootric.hosts.us") String us,
            @PropertyInject("wootric.hosts.eu") String eu, @PropertyInject("wootric.hosts.au") String au) {
        WootricEndpoints endpoints = WootricEndpoints.of(blankToNull(baseUrl), blankToNull(accountToken),
                new WootricEndpoints.Hosts(us.trim(), eu.trim(), au.trim()));
        LOG.info("Wootric API at {} (region {})", endpoints.apiBase(), endpoints.region());
        return endpoints;
    }

    /**
     * The account's budget; several hub instances share it by each taking its share. Property updates never take
     * the reserve (when coalescing is off, nothing uses the property lane).
     */
    @BindToRegistry
    public RateLimiter wootricRateLimiter(@PropertyInject("wootric.rate-limit.per-minute") int perMinute,
            @PropertyInject("wootric.rate-limit.instances") int instances, @PropertyInject("wootric.rate-limit.window") String window,
            @PropertyInject("wootric.max-concurrent-calls") int maxConcurrent, @PropertyInject("wootric.coalesce.reserve") String reserve) {
        return new RateLimiter(perMinute / Math.max(1, instances), HubSettings.parseDuration(window).toMillis(), maxConcurrent,
                HubSettings.parseShare(reserve), System::currentTimeMillis);
    }

    // deliver-wootric's steps around an API call, asking the limiter above (wootric/budget/BudgetStep)

    @BindToRegistry
    public BudgetStep waitForBudget() {
        return BudgetStep.waitFor("wootricRateLimiter");
    }

    @BindToRegistry
    public BudgetStep observeRateLimit() {
        return BudgetStep.observe("wootricRateLimiter");
    }

    @BindToRegistry
    public BudgetStep releaseBudget() {
        return BudgetStep.release("wootricRateLimiter");
    }

    // --- delivery

    @BindToRegistry
    public EndUserCache endUserCache(@PropertyInject("wootric.end-user-cache.size") int size,
            @PropertyInject("wootric.end-user-cache.ttl") String ttl,
            @PropertyInject("wootric.end-user-cache.properties-freshness") String freshness) {
        return new EndUserCache(size, HubSettings.parseDuration(ttl), HubSettings.parseDuration(freshness), Clock.systemUTC());
    }

    /**
     * The plan executor on the Wootric API client, which calls Wootric through the routes of deliver-wootric, in the
     * survey lane (what the dispatch route delivers goes first), each request recorded for the outcome log; with
     * wootric.dry-run, on a transport that only records them. A transient failure is retried here, in process
     * (wootric.retry.in-process-attempts, .initial-delay-ms, .in-process-max-delay-ms), before delivery-errors parks it.
     */
    @BindToRegistry
    public DeliveryStep deliveryStep(CamelContext context, @BeanInject("wootricEndpoints") WootricEndpoints endpoints,
            @BeanInject("wootricCredentials") WootricCredentials credentials, @BeanInject("endUserCache") EndUserCache cache,
            @BeanInject("hubMetrics") HubMetrics metrics, @BeanInject("wootricRateLimiter") RateLimiter limiter,
            @BeanInject("pendingChanges") PendingChanges pending, @PropertyInject("wootric.dry-run") boolean dryRun,
            @PropertyInject("wootric.retry.in-process-attempts") int quickRetries,
            @PropertyInject("wootric.retry.initial-delay-ms") long initialDelayMillis,
            @PropertyInject("wootric.retry.in-process-max-delay-ms") long maxDelayMillis) {
        metrics.bind(cache);
        metrics.bind(limiter);
        metrics.bind(pending);
        return new DeliveryStep(planExecutor(context, endpoints, credentials, cache, metrics, BudgetLane.SURVEY, dryRun),
                new QuickRetries(quickRetries, initialDelayMillis, maxDelayMillis));
    }

    private static PlanExecutor planExecutor(CamelContext context, WootricEndpoints endpoints, WootricCredentials credentials,
            EndUserCache cache, HubMetrics metrics, BudgetLane lane, boolean dryRun) {
        WootricTransport transport = dryRun ? new DryRunTransport(null, Clock.systemUTC()) : sendingTransport(context, lane);
        TokenSource tokens = new TokenSource(transport, endpoints, dryRun ? DryRunTransport.CREDENTIALS : credentials, Clock.systemUTC());
        return new PlanExecutor(new WootricClient(transport, tokens, endpoints, metrics), cache, metrics);
    }

    /** The users' pending property changes, in memory (a copy of the pending queue). */
    @BindToRegistry
    public PendingChanges pendingChanges(@PropertyInject("wootric.coalesce.quiet") String quiet,
            @PropertyInject("wootric.coalesce.max-delay") String maxDelay) {
        return new PendingChanges(HubSettings.parseDuration(quiet), HubSettings.parseDuration(maxDelay), System::currentTimeMillis);
    }

    /** The dispatch route's coalescing step: merges property-only events, brings pending changes along with survey data. */
    @BindToRegistry
    public Coalescer coalescer(@PropertyInject("wootric.coalesce.enabled") boolean enabled,
            @BeanInject("pendingChanges") PendingChanges pending, @BeanInject("hubConnectionFactory") ConnectionFactory connectionFactory,
            @BeanInject("hubQueues") QueueNames queues, @BeanInject("endUserCache") EndUserCache cache,
            @BeanInject("hubMetrics") HubMetrics metrics) {
        return new Coalescer(enabled, pending, new PendingStore(connectionFactory, queues.pending()), cache, metrics,
                System::currentTimeMillis);
    }

    /** The aggregation of the dispatch route's enrich steps: the event stays the body (a failure still propagates). */
    @BindToRegistry
    public AggregationStrategy keepEvent() {
        return new UseOriginalAggregationStrategy();
    }

    /** Sends the pending changes in the property lane; started by {@link #configure} when coalescing is on. */
    @BindToRegistry
    public PendingFlusher pendingFlusher(CamelContext context, @BeanInject("wootricEndpoints") WootricEndpoints endpoints,
            @BeanInject("wootricCredentials") WootricCredentials credentials, @BeanInject("endUserCache") EndUserCache cache,
            @BeanInject("hubMetrics") HubMetrics metrics, @BeanInject("wootricRateLimiter") RateLimiter limiter,
            @BeanInject("pendingChanges") PendingChanges pending, @BeanInject("userHolds") UserHolds holds,
            @BeanInject("hubConnectionFactory") ConnectionFactory connectionFactory, @BeanInject("hubQueues") QueueNames queues,
            @PropertyInject("wootric.retry.park-initial-delay") String initialDelay,
            @PropertyInject("wootric.retry.park-max-delay") String maxDelay,
            @PropertyInject("wootric.unknown-user.grace") String unknownUserGrace, @PropertyInject("wootric.dry-run") boolean dryRun) {
        PendingFlusher.Parts parts = new PendingFlusher.Parts(pending, new PendingStore(connectionFactory, queues.pending()),
                planExecutor(context, endpoints, credentials, cache, metrics, BudgetLane.PROPERTY, dryRun), limiter, holds, metrics,
                queues.deadLetters());
        return new PendingFlusher(parts, new PendingFlusher.Timing(HubSettings.parseDuration(initialDelay),
                HubSettings.parseDuration(maxDelay), HubSettings.parseDuration(unknownUserGrace)), System::currentTimeMillis);
    }

    /** Requests sent to Wootric through the routes of deliver-wootric, each recorded for the outcome log. */
    private static WootricTransport sendingTransport(CamelContext context, BudgetLane lane) {
        return new RecordingTransport(new CamelWootricTransport(context.createProducerTemplate(), lane), Clock.systemUTC());
    }

    @BindToRegistry
    public UserHolds userHolds(@PropertyInject("wootric.retry.park-initial-delay") String initialDelay,
            @PropertyInject("wootric.retry.park-max-delay") String maxDelay) {
        return new UserHolds(HubSettings.parseDuration(initialDelay), HubSettings.parseDuration(maxDelay), System::currentTimeMillis);
    }

    @BindToRegistry
    public Parking parking(@BeanInject("userHolds") UserHolds holds) {
        return new Parking(holds);
    }

    @BindToRegistry
    public DeliveryFailures deliveryFailures(@BeanInject("hubQueues") QueueNames queues, @BeanInject("userHolds") UserHolds holds,
            @BeanInject("secretMasker") SecretMasker masker, @BeanInject("hubMetrics") HubMetrics metrics,
            @PropertyInject("wootric.retry.max-age") String maxAge, @PropertyInject("wootric.unknown-user.grace") String unknownUserGrace) {
        return new DeliveryFailures(queues.events(), queues.deadLetters(), HubSettings.parseDuration(maxAge), holds, masker, metrics,
                HubApplication.version(), Clock.systemUTC(), HubSettings.parseDuration(unknownUserGrace));
    }

    // --- admin

    @BindToRegistry
    public OutcomeLog outcomeLog(@BeanInject("hubConnectionFactory") ConnectionFactory connectionFactory,
            @BeanInject("hubQueues") QueueNames queues) {
        return new OutcomeLog(connectionFactory, queues, Clock.systemUTC());
    }

    @BindToRegistry
    public OutcomeWriter outcomeWriter(@BeanInject("hubConnectionFactory") ConnectionFactory connectionFactory) {
        return new OutcomeWriter(connectionFactory, OUTCOMES_WAITING_MAX);
    }

    /** delivery-errors' onCompletion: the finished event's record, to the outcome writer. */
    @BindToRegistry
    public RecordOutcome recordOutcome() {
        return new RecordOutcome("outcomeLog", "outcomeWriter");
    }

    /** The preview: the dispatch route's transformers and a plan executor that sends nothing (live lookups aside). */
    @BindToRegistry
    public Preview preview(CamelContext context, @BeanInject("queueIngress") QueueIngress ingress,
            @BeanInject("endUserCache") EndUserCache cache, @BeanInject("wootricEndpoints") WootricEndpoints endpoints,
            @BeanInject("wootricCredentials") WootricCredentials credentials) {
        return new Preview(context.createProducerTemplate(), ingress, cache, endpoints, credentials, sendingTransport(context, BudgetLane.SURVEY),
                Clock.systemUTC());
    }

    // --- in order, from configure()

    /**
     * The pending changes live on the broker; memory holds a copy of those this instance sends. Before the first
     * event is dispatched, each one left pending (by a previous run, a kill -9, or another instance) is handed to the
     * instance that receives its user's events, which may be this one (wakeAll); then the sweep does so every
     * wootric.coalesce.sweep for the changes of instances that die.
     */
    private PendingSweep pendingSweep(CamelContext context, QueueNames queues) {
        PendingStore store = new PendingStore(artemis, queues.pending());
        return new PendingSweep(context.getRegistry().lookupByNameAndType("pendingChanges", PendingChanges.class),
                store::readAll, changes -> store.wakeOwners(queues.events(), changes), HubSettings.parseDuration(coalesceSweep),
                System::currentTimeMillis);
    }

    private static void wakeAll(PendingSweep sweep) {
        try {
            sweep.wakeAll();
        } catch (RuntimeException e) {
            LOG.warn("Could not read the pending changes ({}); the sweep tries again, and each user's is read when the user's "
                    + "next event comes", e.getMessage());
        }
    }

    /** The admin API and the console, on the management port, only when HUB_ADMIN_TOKEN is set. */
    private void mountAdminApi(CamelContext context, QueueNames queues, HubMetrics metrics) {
        String token = blankToNull(adminToken);
        if (token == null) {
            LOG.info("HUB_ADMIN_TOKEN is not set: the admin API is off");
            return;
        }
        new AdminApi(new DeadLetters(pool, queues), context.getRegistry().lookupByNameAndType("outcomeLog", OutcomeLog.class),
                context.getRegistry().lookupByNameAndType("preview", Preview.class),
                new Overview(metrics.registry(), queues, Clock.systemUTC()), token).mount(context, managementPort);
    }

    /** What a start does beside the main thread, completing done; its failure is the start's, when awaited. */
    private static void onItsOwnThread(String name, CompletableFuture<Void> done, Callable<Void> work) {
        Thread thread = new Thread(() -> {
            try {
                work.call();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void await(CompletableFuture<Void> work) throws Exception {
        try {
            work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The pooled broker connection of the routes and the publisher: in-VM to the embedded broker, or the external one. */
    @BindToRegistry
    public ConnectionFactory hubConnectionFactory() {
        String url = blankToNull(brokerUrl);
        if (url == null) {
            artemis = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
        } else {
            LOG.info("Using the external broker at {}", url.replaceAll("(?i)password=[^&]*", "password=****"));
            artemis = new ActiveMQConnectionFactory(url, blankToNull(brokerUser), blankToNull(brokerPassword));
            if (!url.contains("connectionTTL")) {
                // a hub that dies without closing its connections (kill -9, a lost machine) keeps its consumers, and so
                // its users' message groups, on the broker until its connection TTL ends: 10 s instead of 60 s
                artemis.setConnectionTTL(CONNECTION_TTL_MILLIS);
                artemis.setClientFailureCheckPeriod(CONNECTION_TTL_MILLIS / 2);
            }
        }
        // without it every createQueue is a blocking round trip to the broker
        artemis.setCacheDestinations(true);
        // the publisher's asynchronous sends are confirmed by the broker only with a confirmation window: without
        // one the client would call the completion listener before the message is stored
        artemis.setConfirmationWindowSize(256 * 1024);
        pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(brokerMaxConnections);
        pool.setMaxSessionsPerConnection(500);
        return pool;
    }

    /** An empty property (a key that is listed but not set) means "not configured". */
    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
