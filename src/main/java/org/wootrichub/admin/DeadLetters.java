package org.wootrichub.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Enumeration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.delivery.PendingChange;
import org.wootrichub.broker.JmsSelector;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.event.SegmentJson;

/**
 * What an operator can do with the dead-letter queue: list (paged), show one with its original event, replay
 * (back to the events queue, keeping the event's messageId) and purge, one by id or a set filtered by reason.
 */
public class DeadLetters {

    private final ConnectionFactory connectionFactory;
    private final QueueNames queues;

    public DeadLetters(ConnectionFactory connectionFactory, QueueNames queues) {
        this.connectionFactory = connectionFactory;
        this.queues = queues;
    }

    /** Dead letters, oldest first, with their reason and times; {@code reason} null for all. */
    public ObjectNode list(String reason, int offset, int limit) throws JMSException {
        ObjectNode page = SegmentJson.MAPPER.createObjectNode();
        ArrayNode items = page.putArray("items");
        int total = 0;
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queues.deadLetters()), selector(reason, null))) {
            connection.start();
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message message = (Message) messages.nextElement();
                if (total >= offset && items.size() < limit) {
                    items.add(summary(message, false));
                }
                total++;
            }
        }
        page.put("total", total).put("offset", offset).put("limit", limit);
        return page;
    }

    /** One dead letter with its original event, or null. */
    public ObjectNode show(String id) throws JMSException {
        if (!validId(id)) {
            return null;
        }
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queues.deadLetters()), selector(null, id))) {
            connection.start();
            Enumeration<?> messages = browser.getEnumeration();
            return messages.hasMoreElements() ? summary((Message) messages.nextElement(), true) : null;
        }
    }

    /** Moves matching dead letters back to the events queue; returns how many. */
    public int replay(String reason, String id) throws JMSException {
        return drain(reason, id, true);
    }

    /** Deletes matching dead letters; returns how many. */
    public int purge(String reason, String id) throws JMSException {
        return drain(reason, id, false);
    }

    private int drain(String reason, String id, boolean replay) throws JMSException {
        if (id != null && !validId(id)) {
            return 0;
        }
        int moved = 0;
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queues.deadLetters()), selector(reason, id));
                MessageProducer producer = session.createProducer(session.createQueue(queues.events()))) {
            connection.start();
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Message message;
            while ((message = consumer.receive(moved == 0 ? 1000 : 200)) != null) {
                if (replay) {
                    producer.send(replayOf(session, (TextMessage) message));
                }
                // one transaction per message: a crash replays or keeps each one whole, never half
                session.commit();
                moved++;
                if (id != null) {
                    break;
                }
            }
        }
        return moved;
    }

    private static TextMessage replayOf(Session session, TextMessage dead) throws JMSException {
        String body = dead.getText();
        TextMessage replay = session.createTextMessage(body);
        var event = SegmentJson.parse(body);
        if (PendingChange.TYPE.equals(dead.getStringProperty(HubHeaders.SEGMENT_TYPE))) {
            // a user's merged pending change, not a Segment event: dispatched as one, in the user's message group
            HubHeaders.stampQueuedEvent(replay, PendingChange.TYPE, dead.getStringProperty(HubHeaders.USER_KEY),
                    "change-" + SegmentJson.text(event, "changeId") + "#replay-" + UUID.randomUUID());
        } else {
            // the event keeps its messageId; the broker's duplicate id must be new, or the replay would be dropped
            HubHeaders.stampQueuedEvent(replay, SegmentJson.text(event, "type"), SegmentJson.userKey(event),
                    SegmentJson.text(event, "messageId") + "#replay-" + UUID.randomUUID());
        }
        replay.setStringProperty(HubHeaders.REPLAY_OF, dead.getJMSMessageID());
        return replay;
    }

    private static ObjectNode summary(Message message, boolean withEvent) throws JMSException {
        ObjectNode item = SegmentJson.MAPPER.createObjectNode();
        item.put("id", message.getJMSMessageID());
        item.put("reason", message.getStringProperty(HubHeaders.REASON) == null ? "broker_max_deliveries" : message.getStringProperty(HubHeaders.REASON));
        putIfPresent(item, "status", message, HubHeaders.HTTP_STATUS);
        putIfPresent(item, "attempts", message, HubHeaders.ATTEMPT_COUNT);
        putIfPresent(item, "firstFailureAt", message, HubHeaders.FIRST_FAILURE_AT);
        putIfPresent(item, "lastFailureAt", message, HubHeaders.LAST_FAILURE_AT);
        putIfPresent(item, "operation", message, HubHeaders.WOOTRIC_OPERATION);
        putIfPresent(item, "error", message, HubHeaders.EXCEPTION_MESSAGE);
        item.put("deadLetteredAt", java.time.Instant.ofEpochMilli(message.getJMSTimestamp()).toString());
        if (message instanceof TextMessage text) {
            try {
                var event = SegmentJson.parse(text.getText());
                item.put("type", SegmentJson.text(event, "type"));
                item.put("messageId", SegmentJson.text(event, "messageId"));
                item.put("userKey", SegmentJson.userKey(event));
                if (withEvent) {
                    putIfPresent(item, "responseBody", message, HubHeaders.RESPONSE_BODY);
                    item.set("event", event);
                }
            } catch (IllegalArgumentException e) {
                if (withEvent) {
                    item.put("body", text.getText());
                }
            }
        }
        return item;
    }

    private static void putIfPresent(ObjectNode item, String field, Message message, String property) throws JMSException {
        Object value = message.getObjectProperty(property);
        if (value instanceof Number n) {
            item.put(field, n.longValue());
        } else if (value != null) {
            item.put(field, value.toString());
        }
    }

    /** A JMS message id as the broker makes them ("ID:" and a UUID): letters, digits and a few separators only. */
    public static boolean validId(String id) {
        return id != null && VALID_ID.matcher(id).matches();
    }

    /** A reason code (wootric_rejected, auth_failed...): lower-case letters, digits and underscores. */
    public static boolean validReason(String reason) {
        return reason != null && VALID_REASON.matcher(reason).matches();
    }

    private static final Pattern VALID_ID = Pattern.compile("ID:[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
    private static final Pattern VALID_REASON = Pattern.compile("[a-z0-9_]{1,64}");

    /**
     * A JMS selector for a reason and/or a message id (null for none: every dead letter). A value that is not a
     * valid reason or id is refused rather than dropped, so it can never widen the selection to everything; values
     * are quoted as well.
     */
    static String selector(String reason, String id) {
        if (reason != null && !validReason(reason)) {
            throw new IllegalArgumentException("not a reason code");
        }
        if (id != null && !validId(id)) {
            throw new IllegalArgumentException("not a message id");
        }
        return JmsSelector.allEqual(HubHeaders.REASON, reason, "JMSMessageID", id);
    }
}
