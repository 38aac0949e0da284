package org.wootrichub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wootrichub.it.HubDefaults;
import org.wootrichub.observe.CapturedLogs;

/** A duplicate event is counted by the hub at DEBUG; Artemis's own WARN with the message's content never reaches the log. */
class EmbeddedBrokerLogTest {

    @TempDir
    Path data;

    @Test
    void aDuplicateIsCountedWithoutUserData() throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker(data, HubDefaults.queues(), 100, 0, 100);
        broker.start();
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub");
                ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("segment.events"))) {
            for (int i = 0; i < 2; i++) {
                TextMessage message = session.createTextMessage("{\"userId\":\"secret-user\",\"messageId\":\"dup-1\"}");
                message.setStringProperty(HubHeaders.DUPLICATE_ID, "dup-1");
                message.setStringProperty(HubHeaders.USER_KEY, "secret-user");
                producer.send(message);
            }
            assertThat(broker.duplicates()).isEqualTo(1);
            assertThat(logs.events()).noneSatisfy(e -> assertThat(e.getLevel().isMoreSpecificThan(Level.WARN)).isTrue());
            assertThat(logs.messages()).noneSatisfy(m -> assertThat(m).contains("secret-user"));
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("dropped a duplicate event").contains("1 since start"));
        } finally {
            broker.stop();
        }
    }
}
