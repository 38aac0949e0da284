package org.wootrichub.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.QueueNames;

/**
 * Writes the outcome log's records (made by {@link OutcomeLog#record}) to the ring queue {@value QueueNames#OUTCOMES}
 * on a thread of its own, many records per broker transaction, outside the dispatch consumer's transaction.
 *
 * <p>Written in that transaction, each event's commit waited for a sync of the outcome address's page file once the
 * log held more than the address keeps in memory (32 MB: a few tens of thousands of records, so always on a hub that
 * has run a while), and end-to-end delivery ran at half the speed (docs/benchmarks.md, session 5). The price, written
 * in the README: a {@code kill -9} loses the records still waiting here (written within milliseconds), never an
 * event; and an event whose transaction rolls back after its record was taken has a record for that try, as a parked
 * event has one per try. When the broker cannot take records for long, the oldest waiting ones stay and new ones are
 * dropped and counted ({@code hub_outcomes_dropped_total}), so delivery never waits for the log.
 */
public class OutcomeWriter extends ServiceSupport implements Runnable, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);

    /** Records sent in one broker transaction at most. */
    static final int BATCH = 500;
    /** How long the writer waits before it tries a failed batch again. */
    static final long RETRY_MILLIS = 1_000;

    private final ConnectionFactory connectionFactory;
    private final BlockingQueue<OutcomeRecord> waiting;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running;
    private volatile boolean stopped;
    private Thread thread;
    private Connection connection;
    private Session session;
    private MessageProducer producer;

    /** @param capacity records that may wait for the broker; past it, new records are dropped (and counted) */
    public OutcomeWriter(ConnectionFactory connectionFactory, int capacity) {
        this.connectionFactory = connectionFactory;
        this.waiting = new ArrayBlockingQueue<>(capacity);
    }

    /** A record {@link OutcomeLog#record} made of a finished exchange, to be written soon. */
    public void write(OutcomeRecord outcome) {
        if (stopped) {
            // an exchange still running after the shutdown timeout: nothing writes records any more
            dropped.incrementAndGet();
            LOG.warn("An outcome record came after the outcome writer stopped; not written");
        } else if (!waiting.offer(outcome) && dropped.getAndIncrement() % 1_000 == 0) {
            LOG.warn("The outcome log cannot keep up with the broker: {} records wait; newer ones are dropped ({} so far)",
                    waiting.size(), dropped.get());
        }
    }

    /** A record that could not be made: counted with the dropped ones. */
    public void notWritten() {
        dropped.incrementAndGet();
    }

    /** Records dropped since start: too many were waiting, or they could not be written before (or came after) the stop. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    protected void doStart() {
        running = true;
        thread = new Thread(this, "hub-outcome-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Writes what is still waiting (the routes have stopped), then closes its connection. */
    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(10_000);
        }
        stopped = true;
        if (thread != null && thread.isAlive()) {
            // still writing (a slow broker): the connection stays its own, and what it cannot write it counts itself
            LOG.warn("The outcome writer did not finish within 10 s of the stop; {} records still wait", waiting.size());
            return;
        }
        if (!waiting.isEmpty()) {
            LOG.warn("{} outcome records were not written before the stop", waiting.size());
            dropped.addAndGet(waiting.size());
        }
        closeConnection();
    }

    @Override
    public void run() {
        List<OutcomeRecord> batch = new ArrayList<>(BATCH);
        // once stopping, what waits (a batch being retried included) is still written
        while (running || !batch.isEmpty() || !waiting.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    OutcomeRecord first = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    waiting.drainTo(batch, BATCH - 1);
                }
                send(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (JMSException | RuntimeException e) {
                closeConnection();
                if (!running) {
                    LOG.warn("{} outcome records could not be written before the stop: {}", batch.size() + waiting.size(), e.toString());
                    dropped.addAndGet(batch.size() + waiting.size());
                    waiting.clear();
                    return;
                }
                // the batch is kept and sent again: its records stay in order with the ones after it
                LOG.warn("Writing {} outcome records failed ({}); trying again", batch.size(), e.toString());
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void send(List<OutcomeRecord> batch) throws JMSException {
        if (producer == null) {
            connection = connectionFactory.createConnection();
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createQueue(QueueNames.OUTCOMES));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        }
        for (OutcomeRecord outcome : batch) {
            TextMessage message = session.createTextMessage(outcome.json());
            message.setStringProperty(HubHeaders.MESSAGE_ID, outcome.messageId());
            message.setStringProperty(HubHeaders.USER_KEY, outcome.userKey());
            producer.send(message);
        }
        session.commit();
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException | RuntimeException e) {
            LOG.debug("closing the outcome writer's connection: {}", e.toString());
        }
        connection = null;
        session = null;
        producer = null;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("hub.outcomes.dropped", this, OutcomeWriter::dropped)
                .description("outcome-log records dropped because too many waited for the broker").register(registry);
        Gauge.builder("hub.outcomes.waiting", waiting, BlockingQueue::size)
                .description("outcome-log records waiting to be written to the broker").register(registry);
    }
}
