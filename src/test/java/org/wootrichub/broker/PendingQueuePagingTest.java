package org.wootrichub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wootrichub.it.HubDefaults;

/**
 * The pending queue keeps one message per user (a last-value queue on the user key; README, "Where the pending state
 * lives, and why"), however many users have pending changes. Artemis replaces a last value only in memory, and a
 * consumer with a selector cannot reach page files behind messages it does not select, so the pending address must
 * never page (BrokerSettings.forPendingQueue): a user's newer pending change replaces the older one, for the hub's
 * readers (a browser by user key, and a consumer by user key and change id), past the bound where other addresses page.
 */
class PendingQueuePagingTest {

    /**
     * Bodies large enough that a few hundred users' pending changes pass the 32 MB the events queue keeps in memory
     * (two bytes a character in the broker), and small enough not to be large messages (100 KiB), which are stored apart.
     */
    private static final int FILLER_CHARS = 40 * 1024;
    private static final int FILLER_USERS = 600;

    @TempDir
    Path data;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory factory;
    private final String queue = HubDefaults.queues().pending();

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker(data, HubDefaults.queues(), 1000, 0, 100);
        broker.start();
        factory = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
    }

    @AfterEach
    void stop() throws Exception {
        factory.close();
        broker.stop();
    }

    // with the 32 MB bound it had (as the events queue has), the address paged here: the browser then saw change-a,
    // change-b and change-c, and a consumer selecting user-1 received nothing in 5 s (its messages were in page files)
    @Test
    void aUsersNewerPendingChangeReplacesTheOlderPastTheOtherAddressesBound() throws Exception {
        String filler = "x".repeat(FILLER_CHARS);
        for (int i = 0; i < FILLER_USERS; i++) {
            send("filler-" + i, "filler-change-" + i, filler, false);
        }
        assertThat(pageFileBytes()).as("the pending address never pages").isZero();

        // as the hub writes them: each in the transaction of the event that changed it
        send("user-1", "change-a", "{\"n\":1}", true);
        send("user-1", "change-b", "{\"n\":2}", true);
        send("user-1", "change-c", "{\"n\":3}", true);

        assertThat(browse("user-1")).as("a browser by user key sees the newest change only").containsExactly("change-c");
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer stale = session.createConsumer(session.createQueue(queue),
                        JmsSelector.allEqual(HubHeaders.USER_KEY, "user-1", HubHeaders.CHANGE_ID, "change-a"));
                MessageConsumer newest = session.createConsumer(session.createQueue(queue),
                        JmsSelector.allEqual(HubHeaders.USER_KEY, "user-1", HubHeaders.CHANGE_ID, "change-c"))) {
            connection.start();
            assertThat(stale.receive(500)).as("a replaced change is gone").isNull();
            Message taken = newest.receive(5_000);
            assertThat(taken).as("the newest change is there to be taken").isNotNull();
            assertThat(((TextMessage) taken).getText()).isEqualTo("{\"n\":3}");
        }
        assertThat(browse("user-1")).as("taken, the user has no pending change left").isEmpty();
        assertThat(browse("filler-7")).as("other users' changes stay").containsExactly("filler-change-7");
    }

    private void send(String userKey, String changeId, String body, boolean transacted) throws Exception {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            TextMessage message = session.createTextMessage(body);
            message.setStringProperty(HubHeaders.USER_KEY, userKey);
            message.setStringProperty(HubHeaders.CHANGE_ID, changeId);
            producer.send(message);
            if (transacted) {
                session.commit();
            }
        }
    }

    private List<String> browse(String userKey) throws Exception {
        List<String> changeIds = new ArrayList<>();
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queue), JmsSelector.allEqual(HubHeaders.USER_KEY, userKey))) {
            connection.start();
            for (Object message : Collections.list(browser.getEnumeration())) {
                changeIds.add(((Message) message).getStringProperty(HubHeaders.CHANGE_ID));
            }
        }
        return changeIds;
    }

    private long pageFileBytes() throws IOException {
        Path paging = data.resolve("broker").resolve("paging");
        if (!Files.exists(paging)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(paging)) {
            return files.filter(f -> f.toString().endsWith(".page")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
