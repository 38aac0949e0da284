package org.wootrichub.broker;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A writer's connection and transacted JMS session, kept from group to group: the way to an external broker. */
final class JmsGroupSession implements GroupSession {

    private static final Logger LOG = LoggerFactory.getLogger(JmsGroupSession.class);

    private final Connection connection;
    private final Session session;
    private final MessageProducer producer;
    private final Queue events;
    private final Queue rejected;
    /**
     * Without a completion listener every durable send waits for the broker's answer, one after the other, even in a
     * transaction; with one they stream, and the commit answers for all of them.
     */
    private Confirmations sent = new Confirmations(0);

    JmsGroupSession(Connection connection, QueueNames queues) throws JMSException {
        this.connection = connection;
        try {
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            events = session.createQueue(queues.events());
            rejected = session.createQueue(queues.rejected());
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void sendRejected(RejectedEvent event) throws JMSException {
        producer.send(rejected, rejectedMessage(session, event), sent);
    }

    @Override
    public void sendQueued(QueuedEvent event) throws JMSException {
        producer.send(events, queuedMessage(session, event), sent);
    }

    @Override
    public CompletableFuture<Void> commit() throws JMSException {
        Confirmations committed = sent;
        sent = new Confirmations(0);
        session.commit();
        committed.failIfAny();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void rollbackQuietly() {
        sent = new Confirmations(0);
        try {
            session.rollback();
        } catch (JMSException | RuntimeException ignored) {
            // the session is closed with its connection next
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            LOG.debug("Closing the writer's broker connection failed: {}", e.getMessage());
        }
    }

    static TextMessage queuedMessage(Session session, QueuedEvent event) throws JMSException {
        TextMessage message = session.createTextMessage(event.json());
        HubHeaders.stampQueuedEvent(message, event.type(), event.userKey(), event.messageId());
        return message;
    }

    static TextMessage rejectedMessage(Session session, RejectedEvent event) throws JMSException {
        TextMessage message = session.createTextMessage(event.json());
        message.setStringProperty(HubHeaders.REASON, event.reason());
        return message;
    }

    /**
     * Counts the broker's confirmations of sends (none to wait for in a transaction, whose commit answers for them);
     * the first failure fails them all.
     */
    static final class Confirmations implements CompletionListener {
        private final CountDownLatch pending;
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        Confirmations(int count) {
            this.pending = new CountDownLatch(count);
        }

        @Override
        public void onCompletion(Message message) {
            pending.countDown();
        }

        @Override
        public void onException(Message message, Exception exception) {
            failure.compareAndSet(null, exception);
            pending.countDown();
        }

        void failIfAny() throws JMSException {
            Exception e = failure.get();
            if (e != null) {
                throw e instanceof JMSException j ? j : new JMSException(e.getMessage());
            }
        }

        void await(long seconds) throws InterruptedException, JMSException {
            if (!pending.await(seconds, TimeUnit.SECONDS)) {
                throw new JMSException("the broker confirmed " + pending.getCount() + " sends too few within " + seconds + " s");
            }
            failIfAny();
        }
    }
}
