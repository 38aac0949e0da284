package org.wootrichub.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Requests to the broker's management address, over JMS: they work the same with the embedded and with an external
 * broker (whose hub user needs the manage permission).
 */
public final class BrokerManagement {

    private static final long ANSWER_TIMEOUT_MILLIS = 10_000;

    private interface Request {
        void fill(Message request) throws Exception;
    }

    /** The broker answered, but not with the figure (a missing manage permission, an unknown queue): it is reachable. */
    public static final class Refused extends IllegalStateException {
        Refused(String message) {
            super(message);
        }
    }

    private final ConnectionFactory connectionFactory;

    /** @param connectionFactory an unpooled factory: each request opens and closes its own connection */
    public BrokerManagement(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** An attribute of a queue, such as "messageCount", "scheduledCount" or "firstMessageAge". */
    public Object queueAttribute(String queue, String attribute) throws Exception {
        return call(queue, request -> JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, attribute));
    }

    /** An operation on a queue without arguments, such as "listScheduledMessagesAsJSON". */
    public Object queueOperation(String queue, String operation) throws Exception {
        return call(queue, request -> JMSManagementHelper.putOperationInvocation(request, ResourceNames.QUEUE + queue, operation));
    }

    /** One request, answered on a temporary queue. */
    private Object call(String queue, Request fill) throws Exception {
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
                reply = consumer.receive(ANSWER_TIMEOUT_MILLIS);
            }
            if (reply == null) {
                throw new IllegalStateException("the broker did not answer a management request about " + queue);
            }
            if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                throw new Refused("the broker refused a management request about " + queue + ": " + JMSManagementHelper.getResult(reply));
            }
            return JMSManagementHelper.getResult(reply);
        }
    }
}
