package org.wootrichub.it;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** Looks into the hub's queues over TCP without consuming (browse), and sends raw messages like other producers. */
public final class QueueProbe implements AutoCloseable {

    private final Connection connection;
    private final Session session;

    public QueueProbe(String brokerUrl) throws JMSException {
        this(brokerUrl, null, null);
    }

    public QueueProbe(String brokerUrl, String user, String password) throws JMSException {
        this.connection = new ActiveMQConnectionFactory(brokerUrl).createConnection(user, password);
        connection.start();
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    public List<Message> browse(String queue) throws JMSException {
        List<Message> messages = new ArrayList<>();
        try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                messages.add((Message) e.nextElement());
            }
        }
        return messages;
    }

    /** Waits until a message whose text satisfies the predicate is on the queue. */
    public TextMessage await(String queue, Predicate<String> text, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        do {
            for (Message m : browse(queue)) {
                if (m instanceof TextMessage t && text.test(t.getText())) {
                    return t;
                }
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("no matching message on " + queue + " within " + timeout);
    }

    public long count(String queue, Predicate<String> text) throws JMSException {
        long n = 0;
        for (Message m : browse(queue)) {
            if (m instanceof TextMessage t && text.test(t.getText())) {
                n++;
            }
        }
        return n;
    }

    public void send(String queue, String text, Map<String, String> properties) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            TextMessage message = session.createTextMessage(text);
            for (Map.Entry<String, String> p : properties.entrySet()) {
                message.setStringProperty(p.getKey(), p.getValue());
            }
            producer.send(message);
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
