package org.wootrichub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import org.apache.camel.Exchange;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.JmsSelector;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.delivery.DeliveryStep;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.wootric.recording.WootricCall;

/**
 * The outcome log: one record per event the dispatch route finished (delivered, skipped, dead-lettered) or parked,
 * with the Wootric requests it made and their statuses. The records live on the ring queue {@value QueueNames#OUTCOMES}
 * (hub.outcomes.max of them; the oldest goes first): made here ({@link #record}) in the delivery-errors route
 * configuration's onCompletion, written by the {@link OutcomeWriter}, and read here by browsing, newest first, by
 * messageId and/or user key.
 */
public class OutcomeLog {

    /** How deep a search pages: the records before the page are held in memory while the queue is browsed. */
    public static final int MAX_OFFSET = 10_000;
    /** A messageId or user key to search for is at most this long. */
    public static final int MAX_VALUE_LENGTH = 500;

    private final ConnectionFactory connectionFactory;
    private final QueueNames queues;
    private final Clock clock;

    public OutcomeLog(ConnectionFactory connectionFactory, QueueNames queues, Clock clock) {
        this.connectionFactory = connectionFactory;
        this.queues = queues;
        this.clock = clock;
    }

    /**
     * The record of the finished exchange: its outcome, the Wootric requests it made, and the two values searched by;
     * null when the exchange finished nothing (a raw queue message, normalised and queued again as events of their
     * own). The exchange's message is not changed.
     */
    public OutcomeRecord record(Exchange exchange) {
        if (exchange.getProperty(HubHeaders.WENT_BEHIND, false, Boolean.class)) {
            return null;
        }
        var message = exchange.getMessage();
        String next = exchange.getProperty(HubHeaders.NEXT_QUEUE, String.class);
        String reason = message.getHeader(HubHeaders.REASON, String.class);
        String outcome;
        if (queues.deadLetters().equals(next)) {
            outcome = "dead_lettered";
        } else if (exchange.getProperty(HubHeaders.PARKED_NOW, false, Boolean.class) || queues.events().equals(next)) {
            outcome = "parked";
            reason = reason == null ? "user_held" : reason;
        } else {
            outcome = exchange.getProperty(HubHeaders.OUTCOME, String.class);
            reason = exchange.getProperty(HubHeaders.OUTCOME_REASON, String.class);
        }
        if (outcome == null) {
            return null;
        }
        JsonNode event = event(exchange);
        String messageId = SegmentJson.text(event, "messageId");
        String userKey = exchange.getProperty(HubHeaders.ADMITTED_USER_KEY, String.class);
        if (userKey == null) {
            userKey = event == null ? message.getHeader(HubHeaders.USER_KEY, String.class) : SegmentJson.userKey(event);
        }
        ObjectNode record = SegmentJson.MAPPER.createObjectNode();
        record.put("messageId", messageId).put("userKey", userKey).put("type", message.getHeader(HubHeaders.SEGMENT_TYPE, String.class));
        record.put("outcome", outcome).put("reason", reason);
        record.put("attempts", exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, 0, Integer.class));
        record.put("receivedAt", SegmentJson.text(event, "receivedAt")).put("finishedAt", clock.instant().toString());
        ArrayNode calls = record.putArray("calls");
        for (WootricCall call : List.copyOf(DeliveryStep.calls(exchange))) {
            calls.add(call.toJson());
        }
        return new OutcomeRecord(messageId, userKey, SegmentJson.write(record));
    }

    private static JsonNode event(Exchange exchange) {
        JsonNode event = exchange.getProperty(HubHeaders.SEGMENT_EVENT, JsonNode.class);
        if (event != null) {
            return event;
        }
        try {
            return SegmentJson.parse(exchange.getMessage().getBody(String.class));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Records with this messageId and/or user key (null: any), newest first, paged. */
    public ObjectNode search(String messageId, String userKey, int offset, int limit) throws JMSException {
        Deque<String> window = new ArrayDeque<>();
        int total = 0;
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(QueueNames.OUTCOMES), selector(messageId, userKey))) {
            connection.start();
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message message = (Message) messages.nextElement();
                // oldest first: keep the newest offset + limit
                if (window.size() == offset + limit) {
                    window.removeFirst();
                }
                window.addLast(message instanceof TextMessage text ? text.getText() : "{}");
                total++;
            }
        }
        ObjectNode page = SegmentJson.MAPPER.createObjectNode();
        ArrayNode items = page.putArray("items");
        Iterator<String> newestFirst = window.descendingIterator();
        for (int skipped = 0; newestFirst.hasNext(); skipped++) {
            String record = newestFirst.next();
            if (skipped >= offset) {
                items.add(SegmentJson.parse(record));
            }
        }
        page.put("total", total).put("offset", offset).put("limit", limit);
        return page;
    }

    /** A messageId or user key to search by: not blank, not longer than {@value #MAX_VALUE_LENGTH}. */
    public static boolean validValue(String value) {
        return value != null && !value.isBlank() && value.length() <= MAX_VALUE_LENGTH;
    }

    /** The selector for a messageId and/or a user key (null: any); values are quoted, and invalid ones refused. */
    static String selector(String messageId, String userKey) {
        for (String value : new String[] {messageId, userKey}) {
            if (value != null && !validValue(value)) {
                throw new IllegalArgumentException("not a value to search by");
            }
        }
        return JmsSelector.allEqual(HubHeaders.MESSAGE_ID, messageId, HubHeaders.USER_KEY, userKey);
    }
}
