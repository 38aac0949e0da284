package org.wootrichub.delivery;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.wootrichub.broker.BrokerUnavailable;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.JmsSelector;

/**
 * The pending queue on the broker (hub.queues.pending, an Artemis last-value queue keyed by the user key): one
 * message per user with pending changes, replaced as they merge. The dispatch route writes it in the transaction that
 * consumes the event; this class reads it (at start, and for a user this instance has not seen) and removes a user's
 * message once its change is sent, only if the message still holds that change.
 */
public class PendingStore {

    private static final long RECEIVE_MILLIS = 2_000;
    private static final int WAKE_PRIORITY = 9;

    private final ConnectionFactory connectionFactory;
    private final String queue;

    public PendingStore(ConnectionFactory connectionFactory, String queue) {
        this.connectionFactory = connectionFactory;
        this.queue = queue;
    }

    /** Every pending change on the broker. */
    public List<PendingChange> readAll() {
        return browse(null);
    }

    /** The user's pending change on the broker, or null. */
    public PendingChange find(String userKey) {
        List<PendingChange> found = browse(JmsSelector.allEqual(HubHeaders.USER_KEY, Objects.requireNonNull(userKey)));
        return found.isEmpty() ? null : found.get(found.size() - 1);
    }

    /** True when the broker holds exactly this change for its user (committed, and not replaced since). */
    public boolean holds(PendingChange change) {
        return !browse(selector(change)).isEmpty();
    }

    /** Removes the user's pending message if it still holds this change; a newer one stays. */
    public void remove(PendingChange change) {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue), selector(change))) {
            connection.start();
            if (consumer.receive(RECEIVE_MILLIS) != null) {
                session.commit();
            }
        } catch (JMSException e) {
            throw new BrokerUnavailable("could not remove the pending change of a user: " + e.getMessage(), e);
        }
    }

    /**
     * Puts a wake-up for each pending change on the events queue, in its user's message group (see
     * {@link PendingSweep}), with the change as its body, so the owner needs no search of the pending queue. At the
     * highest priority, so it passes a backlog: it only makes the group's owner take the change, whose values are
     * older than any event of the user still queued.
     */
    public void wakeOwners(String eventsQueue, List<PendingChange> changes) {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(eventsQueue))) {
            for (PendingChange change : changes) {
                TextMessage wake = session.createTextMessage(change.toJson());
                HubHeaders.stampPendingWake(wake, change.userKey());
                producer.send(wake, DeliveryMode.PERSISTENT, WAKE_PRIORITY, 0);
            }
            session.commit();
        } catch (JMSException e) {
            throw new BrokerUnavailable("could not wake the owners of pending changes: " + e.getMessage(), e);
        }
    }

    /** Writes a change that could not be delivered to the dead-letter queue, with the reason. */
    public void deadLetter(String deadLetterQueue, PendingChange change, String reason, String detail) {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(deadLetterQueue))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            TextMessage message = session.createTextMessage(change.toJson());
            message.setStringProperty(HubHeaders.REASON, reason);
            message.setStringProperty(HubHeaders.SEGMENT_TYPE, PendingChange.TYPE);
            message.setStringProperty(HubHeaders.USER_KEY, change.userKey());
            message.setStringProperty(HubHeaders.EXCEPTION_MESSAGE, detail);
            producer.send(message);
        } catch (JMSException e) {
            throw new BrokerUnavailable("could not dead-letter the pending change of a user: " + e.getMessage(), e);
        }
    }

    private List<PendingChange> browse(String selector) {
        List<PendingChange> changes = new ArrayList<>();
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queue), selector)) {
            connection.start();
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message message = (Message) messages.nextElement();
                if (message instanceof TextMessage text && text.getText() != null) {
                    changes.add(PendingChange.fromJson(text.getText()));
                }
            }
        } catch (JMSException e) {
            throw new BrokerUnavailable("could not read the pending changes: " + e.getMessage(), e);
        }
        return changes;
    }

    private static String selector(PendingChange change) {
        // both are always set: a missing one must fail, never widen the selector to the user's other messages
        return JmsSelector.allEqual(HubHeaders.USER_KEY, Objects.requireNonNull(change.userKey()), HubHeaders.CHANGE_ID,
                Objects.requireNonNull(change.changeId()));
    }
}
