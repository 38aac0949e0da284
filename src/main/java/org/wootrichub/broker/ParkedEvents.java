package org.wootrichub.broker;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.wootrichub.event.SegmentJson;

/**
 * The parked events waiting on the events queue (Artemis scheduled messages), read through the broker's management
 * address, so that the hub can rebuild its user holds when it starts.
 */
public final class ParkedEvents {

    /** One parked event: its user, its place in the user's hold, its round and first failure (ISO-8601 or null). */
    public record Parked(String userKey, int seq, long round, String firstFailure) {
    }

    private ParkedEvents() {
    }

    /** How many parked (scheduled) events the queue holds. */
    public static long count(ConnectionFactory connectionFactory, String queue) throws Exception {
        Object count = call(connectionFactory, queue, request ->
                JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, "scheduledCount"));
        return ((Number) count).longValue();
    }

    public static List<Parked> list(ConnectionFactory connectionFactory, String queue) throws Exception {
        List<Parked> parked = new ArrayList<>();
        Object listed = call(connectionFactory, queue, request ->
                JMSManagementHelper.putOperationInvocation(request, ResourceNames.QUEUE + queue, "listScheduledMessagesAsJSON"));
        for (JsonNode message : SegmentJson.parse((String) listed)) {
            String user = SegmentJson.text(message, HubHeaders.USER_KEY);
            JsonNode seq = message.get(HubHeaders.holdPlace(message::has));
            JsonNode round = message.get(HubHeaders.holdRound(message::has));
            if (user != null && seq != null && round != null) {
                parked.add(new Parked(user, seq.asInt(), round.asLong(), SegmentJson.text(message, HubHeaders.FIRST_FAILURE_AT)));
            }
        }
        return parked;
    }

    private interface Request {
        void fill(Message request) throws Exception;
    }

    /** One request to the broker's management address, answered on a temporary queue. */
    private static Object call(ConnectionFactory connectionFactory, String queue, Request fill) throws Exception {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            Queue management = ActiveMQJMSClient.createQueue("activemq.management");
            TemporaryQueue replies = session.createTemporaryQueue();
            Message request = session.createMessage();
            fill.fill(request);
            request.setJMSReplyTo(replies);
            Message reply;
            try (MessageProducer producer = session.createProducer(management);
                    MessageConsumer consumer = session.createConsumer(replies)) {
                producer.send(request);
                reply = consumer.receive(10_000);
            }
            if (reply == null || !JMSManagementHelper.hasOperationSucceeded(reply)) {
                throw new IllegalStateException("the broker did not answer a management request about " + queue);
            }
            return JMSManagementHelper.getResult(reply);
        }
    }
}
