package org.wootrichub.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TransactionRolledBackException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionRolledBackException;
import org.apache.camel.Exchange;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.support.AsyncCallbackToCompletableFutureAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.observe.HubMetrics;

/**
 * Persists the events of requests on the broker; a request goes on only once the broker has stored every one of its
 * events, so a 200 to the client still means stored. On the HTTP ingress the route waits without a thread (as an
 * {@link AsyncProcessor}, continued on the request's event loop); queue ingress waits in {@link #publish}.
 * <p>
 * Group commit: a writer thread takes the requests that arrived while it was committing its last group and stores
 * them all in one broker transaction, so concurrent requests share one journal sync, and a paged backlog costs the
 * broker one page transaction per group instead of one per event (about 150 bytes of heap per event with
 * non-transactional sends). Each caller waits for its own group's commit. A few writers work side by side. With the
 * embedded broker a writer stores its group through the broker's own {@link GroupSession}, hands the commit to the
 * journal and goes on with the next group: the journal syncs the commits that meet in its buffer together, and
 * each group's requests go on when its commit is synced. With an external broker a writer's JMS commit waits for the
 * broker's answer, and the next group fills meanwhile (measured in docs/benchmarks.md: the embedded broker's own
 * session took about a quarter more single-event requests per second than JMS over the in-VM connector, session 13).
 * <p>
 * Artemis ignores a whole transaction that contains one duplicate id, so duplicates are dropped before they are sent:
 * an event whose messageId the broker has stored (its duplicate-id cache, when the broker is embedded) or that came
 * earlier in the same group is not sent, and a group waits for an earlier group, not yet stored, that holds one of
 * its ids. A duplicate this check cannot see (an external broker, another hub on the same broker) or a failover rolls
 * the group back; then each of its requests is stored again outside a transaction, event by event, where the broker
 * drops a duplicate on its own instead of the others with it.
 * <p>
 * Queue ingress calls this from inside a transacted consumer: the writer's session is its own, so the consumer's
 * transaction never holds an event whose duplicate would roll it back.
 * <p>
 * A processor on the HTTP ingress route (the body is the {@link IntakeResult}) rather than a bean step: Camel's bean
 * binding on every request cost more than the step's own work (docs/benchmarks.md, session 9).
 */
public class EventPublisher implements AutoCloseable, AsyncProcessor {

    /** The exchange property with the {@link Executor} on which the route goes on once the events are stored. */
    public static final String CONTINUE_ON = "hubContinueOn";

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    /** How long a request waits for its events to be stored before it is answered as not stored. */
    public static final long STORE_TIMEOUT_SECONDS = 30;
    /** A group is closed at this many messages: the broker holds an open transaction's messages in memory. */
    private static final int MAX_GROUP_MESSAGES = 2_500;
    /**
     * Writers, each committing its own group: while one waits for its broker's answer the next takes what has
     * arrived, and the broker's journal writes their commits with one sync when they come together. With the embedded
     * broker no writer waits, and more writers change nothing measurable (docs/benchmarks.md, session 13).
     */
    private static final int WRITERS = 4;

    private final ConnectionFactory connectionFactory;
    private final QueueNames queues;
    private final HubMetrics metrics;
    private final Predicate<String> storedBefore;
    private final Supplier<GroupSession> embeddedSession;
    private final LinkedBlockingQueue<Request> waiting = new LinkedBlockingQueue<>();
    /** The messageIds of the groups being stored, each with its group's end. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Object writerLock = new Object();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    /** A publisher without a look-up of stored ids: duplicates of earlier groups roll a group back to event by event. */
    public EventPublisher(ConnectionFactory connectionFactory, QueueNames queues, HubMetrics metrics) {
        this(connectionFactory, queues, metrics, id -> false);
    }

    /**
     * @param storedBefore whether the events queue has stored an event with this duplicate id (messageId) before
     */
    public EventPublisher(ConnectionFactory connectionFactory, QueueNames queues, HubMetrics metrics, Predicate<String> storedBefore) {
        this(connectionFactory, queues, metrics, storedBefore, () -> null);
    }

    /**
     * @param storedBefore whether the events queue has stored an event with this duplicate id (messageId) before
     * @param embeddedSession a new session on the embedded broker, or null when there is none (an external broker,
     *        or the embedded one not started): the writers then use JMS connections
     */
    public EventPublisher(ConnectionFactory connectionFactory, QueueNames queues, HubMetrics metrics, Predicate<String> storedBefore,
            Supplier<GroupSession> embeddedSession) {
        this.connectionFactory = connectionFactory;
        this.queues = queues;
        this.metrics = metrics;
        this.storedBefore = storedBefore;
        this.embeddedSession = embeddedSession;
    }

    @Override
    public void process(Exchange exchange) {
        publish(exchange.getMessage().getBody(IntakeResult.class));
    }

    /**
     * Hands the request's events to the writers and returns at once; the route goes on when they are stored, on the
     * exchange's {@link #CONTINUE_ON} executor if it has one (the HTTP ingress's event loop), else on the writer's
     * thread. Not stored: the exchange fails with {@link BrokerUnavailable}.
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        IntakeResult result = exchange.getMessage().getBody(IntakeResult.class);
        if (result.isEmpty()) {
            callback.done(true);
            return true;
        }
        Executor continueOn = exchange.getProperty(CONTINUE_ON, Executor.class);
        CompletableFuture<Void> stored;
        try {
            stored = store(result);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        stored.orTimeout(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((done, failure) -> {
            Runnable next = () -> {
                try {
                    if (failure == null) {
                        counted(result);
                    } else {
                        exchange.setException(notStored(failure));
                    }
                } catch (RuntimeException e) {
                    exchange.setException(e);
                } finally {
                    callback.done(false);
                }
            };
            if (continueOn == null) {
                next.run();
                return;
            }
            try {
                continueOn.execute(next);
            } catch (RuntimeException e) {
                // the event loop is gone (the hub is stopping): the exchange is completed here instead
                next.run();
            }
        });
        return false;
    }

    @Override
    public CompletableFuture<Exchange> processAsync(Exchange exchange) {
        AsyncCallbackToCompletableFutureAdapter<Exchange> callback = new AsyncCallbackToCompletableFutureAdapter<>(exchange);
        process(exchange, callback);
        return callback.getFuture();
    }

    /** Returns once the request's events are stored. */
    public void publish(IntakeResult result) {
        if (result.isEmpty()) {
            return;
        }
        awaitStored(store(result));
        counted(result);
    }

    /** Hands the events to the writers: the future completes once they are stored (or fails: not stored). */
    protected CompletableFuture<Void> store(IntakeResult result) {
        Request request = new Request(result);
        startWriter();
        waiting.add(request);
        if (closed) {
            // close() may have failed the waiting requests before this one arrived
            request.done.completeExceptionally(new JMSException("the hub is stopping"));
        }
        return request.done;
    }

    private static void awaitStored(CompletableFuture<Void> stored) {
        try {
            stored.get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw notStored(e.getCause());
        } catch (TimeoutException e) {
            throw notStored(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailable("interrupted while the broker stored the events", e);
        }
    }

    private void counted(IntakeResult result) {
        metrics.ingress("accepted", result.accepted().size());
        metrics.ingress("rejected", result.rejected().size());
    }

    private void startWriter() {
        synchronized (writerLock) {
            if (writers.isEmpty() && !closed) {
                for (int i = 0; i < WRITERS; i++) {
                    Thread writer = new Thread(new Writer(), "hub-event-writer-" + i);
                    writer.setDaemon(true);
                    writer.start();
                    writers.add(writer);
                }
            }
        }
    }

    /** Stops the writers; requests still waiting are answered as not stored. */
    @Override
    public void close() {
        closed = true;
        List<Thread> running;
        synchronized (writerLock) {
            running = List.copyOf(writers);
        }
        running.forEach(Thread::interrupt);
        for (Thread writer : running) {
            try {
                writer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Request left;
        while ((left = waiting.poll()) != null) {
            left.done.completeExceptionally(new JMSException("the hub is stopping"));
        }
    }

    /** A writer thread: takes groups of waiting requests and stores each in one broker transaction. */
    private final class Writer implements Runnable {
        /** Kept from group to group; dropped when it fails, and opened again for the next group. */
        private GroupSession session;

        @Override
        public void run() {
            List<Request> group = new ArrayList<>();
            try {
                while (!closed) {
                    if (!takeGroup(group)) {
                        continue;
                    }
                    CompletableFuture<Void> groupDone = new CompletableFuture<>();
                    Set<String> claimedIds = claim(group, groupDone);
                    Runnable release = () -> {
                        claimedIds.forEach(id -> inFlight.remove(id, groupDone));
                        groupDone.complete(null);
                    };
                    CompletableFuture<Void> stored;
                    try {
                        stored = store(group);
                    } catch (Error e) {
                        // the writer ends: its claims are let go (else another group with one of its ids would wait
                        // for good), its requests answered and its transaction dropped
                        release.run();
                        failAll(group, new JMSException("the broker's writer failed: " + e));
                        if (session != null) {
                            session.rollbackQuietly();
                        }
                        throw e;
                    }
                    List<Request> committed = List.copyOf(group);
                    group.clear();
                    if (stored == null) {
                        release.run();
                        continue;
                    }
                    // the claims are let go once the broker has stored the group, or given up on it
                    stored.orTimeout(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((done, failure) -> {
                        release.run();
                        if (failure == null) {
                            committed.forEach(Request::stored);
                        } else {
                            failAll(committed, failure instanceof Exception x ? x : new JMSException(String.valueOf(failure)));
                        }
                    });
                }
            } catch (InterruptedException e) {
                failAll(group, new JMSException("the hub is stopping"));
            } finally {
                dropSession();
            }
        }

        /** Fills the group with the requests waiting, up to {@link #MAX_GROUP_MESSAGES}; false if none came. */
        private boolean takeGroup(List<Request> group) throws InterruptedException {
            Request first = waiting.poll(1, TimeUnit.SECONDS);
            if (first == null) {
                return false;
            }
            group.add(first);
            int messages = first.size();
            Request next;
            while (messages < MAX_GROUP_MESSAGES && (next = waiting.poll()) != null) {
                group.add(next);
                messages += next.size();
            }
            return true;
        }

        /**
         * Stores the group in one transaction: the future completes when it is stored. Null when the group is
         * already dealt with here: refused (each request failed), or rolled back and stored event by event.
         */
        private CompletableFuture<Void> store(List<Request> group) {
            try {
                if (session != null) {
                    try {
                        return storeInOneTransaction(session, group);
                    } catch (JMSException | RuntimeException e) {
                        if (e instanceof JMSException j && rolledBack(j)) {
                            throw e;
                        }
                        // a session kept from before a broker outage fails once the broker is back: the group is
                        // tried again on a new connection before its requests are refused
                        dropSession();
                    }
                }
                session = openSession();
                return storeInOneTransaction(session, group);
            } catch (JMSException e) {
                if (rolledBack(e)) {
                    // not the exception's message: Artemis puts the duplicate message's properties in it
                    LOG.debug("A group of {} requests was rolled back ({}); storing them event by event", group.size(),
                            e.getClass().getSimpleName());
                    group.forEach(EventPublisher.this::storeEventByEvent);
                } else {
                    failAll(group, e);
                    dropSession();
                }
            } catch (RuntimeException e) {
                failAll(group, e);
                dropSession();
            }
            return null;
        }

        private void dropSession() {
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    /**
     * Claims the messageIds of a group against the groups not yet stored. The broker checks a duplicate
     * against what is committed, so two open transactions holding the same id would both be stored. A group that
     * meets an id another group holds lets go of its own claims (so that no two writers wait for each other), waits
     * until that group is stored or given up, and claims again; the id is then found stored, or is its to send.
     */
    private Set<String> claim(List<Request> group, CompletableFuture<Void> groupDone) throws InterruptedException {
        while (true) {
            Set<String> ids = new HashSet<>();
            CompletableFuture<Void> holder = null;
            for (Request request : group) {
                for (QueuedEvent event : request.result.accepted()) {
                    String id = event.messageId();
                    if (id == null || ids.contains(id)) {
                        continue;
                    }
                    holder = inFlight.putIfAbsent(id, groupDone);
                    if (holder != null) {
                        break;
                    }
                    ids.add(id);
                }
                if (holder != null) {
                    break;
                }
            }
            if (holder == null) {
                return ids;
            }
            ids.forEach(id -> inFlight.remove(id, groupDone));
            try {
                holder.get();
            } catch (ExecutionException e) {
                // completed normally always; nothing to learn here either way
            }
        }
    }

    private static void failAll(List<Request> group, Exception e) {
        group.forEach(r -> r.done.completeExceptionally(e));
    }

    /**
     * Whether the broker rolled the group's transaction back: a duplicate id in it, or a failover to a backup broker
     * while it was open. Nothing of it is stored; it can be stored again.
     */
    static boolean rolledBack(JMSException e) {
        if (e instanceof TransactionRolledBackException) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ActiveMQDuplicateIdException || cause instanceof ActiveMQTransactionRolledBackException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends the group's events into the session's transaction and commits it. An event whose messageId came earlier in
     * the group or that the broker has stored is left out: Artemis would roll the whole transaction back for it.
     */
    private CompletableFuture<Void> storeInOneTransaction(GroupSession session, List<Request> group) throws JMSException {
        Set<String> inGroup = new HashSet<>();
        try {
            for (Request request : group) {
                for (RejectedEvent event : request.result.rejected()) {
                    session.sendRejected(event);
                }
                for (QueuedEvent event : request.result.accepted()) {
                    if (event.messageId() != null && (!inGroup.add(event.messageId()) || storedBefore.test(event.messageId()))) {
                        LOG.debug("A duplicate event was not stored again (its messageId was stored before)");
                        continue;
                    }
                    session.sendQueued(event);
                }
            }
            return session.commit();
        } catch (JMSException e) {
            if (!rolledBack(e)) {
                session.rollbackQuietly();
            }
            throw e;
        } catch (RuntimeException e) {
            session.rollbackQuietly();
            throw e;
        }
    }

    /** The embedded broker's own session when there is one, else a JMS connection's. */
    private GroupSession openSession() throws JMSException {
        GroupSession embedded = embeddedSession.get();
        return embedded != null ? embedded : new JmsGroupSession(connectionFactory.createConnection(), queues);
    }

    /**
     * One request outside a transaction: the events are sent at once and confirmed together (a confirmation window
     * is needed for that: without one Artemis calls the listener before the message is stored and logs AMQ212053);
     * the broker drops a duplicate alone.
     */
    private void storeEventByEvent(Request request) {
        IntakeResult result = request.result;
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Queue rejected = session.createQueue(queues.rejected());
            for (RejectedEvent event : result.rejected()) {
                producer.send(rejected, JmsGroupSession.rejectedMessage(session, event));
            }
            Queue events = session.createQueue(queues.events());
            JmsGroupSession.Confirmations confirmations = new JmsGroupSession.Confirmations(result.accepted().size());
            for (QueuedEvent event : result.accepted()) {
                producer.send(events, JmsGroupSession.queuedMessage(session, event), confirmations);
            }
            confirmations.await(STORE_TIMEOUT_SECONDS);
            request.stored();
        } catch (JMSException | RuntimeException e) {
            request.done.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.done.completeExceptionally(e);
        }
    }

    /** A caller's request, waiting for the commit of its group. */
    private static final class Request {
        final IntakeResult result;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Request(IntakeResult result) {
            this.result = result;
        }

        int size() {
            return result.accepted().size() + result.rejected().size();
        }

        void stored() {
            done.complete(null);
        }
    }

    private static BrokerUnavailable notStored(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return new BrokerUnavailable("the broker did not store the events within " + STORE_TIMEOUT_SECONDS + " s", cause);
        }
        return new BrokerUnavailable("the broker did not store the events: " + cause.getMessage(), cause);
    }
}
