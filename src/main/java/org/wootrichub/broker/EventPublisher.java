package org.wootrichub.broker;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.wootrichub.observe.HubMetrics;

/**
 * Persists the events of one request on the broker. Sends are persistent and asynchronous: all the request's
 * messages are sent at once and the publisher waits until the broker has confirmed every one as stored (so the
 * journal syncs them together), so a 200 to the client still means stored. It uses its own non-transacted session on purpose: queue ingress
 * calls it from inside a transacted consumer, and a transacted send of a duplicate messageId would make Artemis
 * roll back the whole transaction instead of dropping the duplicate.
 */
public class EventPublisher {

    private static final long CONFIRM_TIMEOUT_SECONDS = 30;

    private final ConnectionFactory connectionFactory;
    private final QueueNames queues;
    private final HubMetrics metrics;

    public EventPublisher(ConnectionFactory connectionFactory, QueueNames queues, HubMetrics metrics) {
        this.connectionFactory = connectionFactory;
        this.queues = queues;
        this.metrics = metrics;
    }

    public void publish(IntakeResult result) {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            if (!result.rejected().isEmpty()) {
                Queue rejected = session.createQueue(queues.rejected());
                for (RejectedEvent event : result.rejected()) {
                    TextMessage message = session.createTextMessage(event.json());
                    message.setStringProperty(HubHeaders.REASON, event.reason());
                    producer.send(rejected, message);
                }
            }
            Queue events = session.createQueue(queues.events());
            Confirmations confirmations = new Confirmations(result.accepted().size());
            for (QueuedEvent event : result.accepted()) {
                TextMessage message = session.createTextMessage(event.json());
                HubHeaders.stampQueuedEvent(message, event.type(), event.userKey(), event.messageId());
                producer.send(events, message, confirmations);
            }
            confirmations.await(CONFIRM_TIMEOUT_SECONDS);
            metrics.ingress("accepted", result.accepted().size());
            metrics.ingress("rejected", result.rejected().size());
        } catch (JMSException | RuntimeException e) {
            throw new BrokerUnavailable("the broker did not store the events: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailable("interrupted while the broker stored the events", e);
        }
    }

    /** Counts the broker's confirmations of a request's sends; any failure fails the whole request. */
    private static final class Confirmations implements CompletionListener {
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

        void await(long seconds) throws InterruptedException, JMSException {
            if (!pending.await(seconds, TimeUnit.SECONDS)) {
                throw new JMSException("the broker confirmed " + (pending.getCount()) + " sends too few within " + seconds + " s");
            }
            Exception e = failure.get();
            if (e != null) {
                throw e instanceof JMSException j ? j : new JMSException(e.getMessage());
            }
        }
    }
}
