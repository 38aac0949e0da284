package org.wootrichub.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.segment.IntakeResult;
import org.wootrichub.segment.QueuedEvent;
import org.wootrichub.segment.RejectedEvent;

/**
 * Persists the events of one request on the broker. Sends are persistent and block until the broker has stored
 * them, so a 200 to the client means stored. It uses its own non-transacted session on purpose: queue ingress
 * calls it from inside a transacted consumer, and a transacted send of a duplicate messageId would make Artemis
 * roll back the whole transaction instead of dropping the duplicate.
 */
public class EventPublisher {

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
                    message.setStringProperty(HubQueues.REASON, event.reason());
                    producer.send(rejected, message);
                }
            }
            Queue events = session.createQueue(queues.events());
            for (QueuedEvent event : result.accepted()) {
                TextMessage message = session.createTextMessage(event.json());
                message.setStringProperty(HubQueues.NORMALISED, "true");
                message.setStringProperty(HubQueues.SEGMENT_TYPE, event.type());
                message.setStringProperty(HubQueues.GROUP_ID, event.userKey());
                message.setStringProperty(HubQueues.DUPLICATE_ID, event.messageId());
                producer.send(events, message);
            }
            metrics.ingress("accepted", result.accepted().size());
            metrics.ingress("rejected", result.rejected().size());
        } catch (JMSException | RuntimeException e) {
            throw new BrokerUnavailable("the broker did not store the events: " + e.getMessage(), e);
        }
    }
}
