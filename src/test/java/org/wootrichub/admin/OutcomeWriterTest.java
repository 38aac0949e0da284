package org.wootrichub.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wootrichub.broker.EmbeddedBroker;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.it.HubDefaults;

/** The outcome log's writer: every record reaches the ring queue, in order, with its search headers; none waits forever. */
class OutcomeWriterTest {

    @TempDir
    Path data;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory factory;
    private OutcomeWriter writer;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker(data, HubDefaults.queues(), 1000, 0, 100_000);
        broker.start();
        factory = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
    }

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.stop();
        }
        factory.close();
        broker.stop();
    }

    @Test
    void everyRecordReachesTheRingQueueInOrderWithItsSearchHeaders() throws Exception {
        writer = new OutcomeWriter(factory, 10_000);
        writer.start();
        IntStream.range(0, 1_200).forEach(i -> writer.write(record(i)));

        await().atMost(Duration.ofSeconds(20)).until(() -> browse().size() == 1_200);
        List<Message> records = browse();
        assertThat(records).extracting(m -> m.getStringProperty(HubHeaders.MESSAGE_ID))
                .containsExactlyElementsOf(IntStream.range(0, 1_200).mapToObj(i -> "msg-" + i).toList());
        assertThat(records.get(7).getStringProperty(HubHeaders.USER_KEY)).isEqualTo("user-7");
        assertThat(((TextMessage) records.get(7)).getText()).isEqualTo("{\"outcome\":\"delivered\",\"n\":7}");
        assertThat(writer.dropped()).isZero();
    }

    @Test
    void whatWaitsIsWrittenWhenTheWriterStops() throws Exception {
        writer = new OutcomeWriter(factory, 10_000);
        writer.start();
        IntStream.range(0, 3_000).forEach(i -> writer.write(record(i)));
        writer.stop();

        assertThat(browse()).hasSize(3_000);
        writer.write(record(3_000));
        assertThat(writer.dropped()).as("a record after the stop is counted, not lost silently").isEqualTo(1);
    }

    @Test
    void recordsPastTheCapacityAreDroppedAndCountedNeverWaitedFor() throws Exception {
        writer = new OutcomeWriter(factory, 3);
        IntStream.range(0, 5).forEach(i -> writer.write(record(i)));
        assertThat(writer.dropped()).isEqualTo(2);

        writer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> browse().size() == 3);
        assertThat(browse()).extracting(m -> m.getStringProperty(HubHeaders.MESSAGE_ID)).containsExactly("msg-0", "msg-1", "msg-2");
    }

    @Test
    void aBatchTheBrokerRefusedIsWrittenAgainInOrder() throws Exception {
        writer = new OutcomeWriter(refusingFirst(new AtomicInteger(2)), 10_000);
        IntStream.range(0, 10).forEach(i -> writer.write(record(i)));
        writer.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> browse().size() == 10);
        assertThat(browse()).extracting(m -> m.getStringProperty(HubHeaders.MESSAGE_ID))
                .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "msg-" + i).toList());
    }

    @Test
    void aBatchBeingTriedAgainWhenTheWriterStopsIsStillWritten() throws Exception {
        AtomicInteger refusals = new AtomicInteger(1);
        writer = new OutcomeWriter(refusingFirst(refusals), 10_000);
        IntStream.range(0, 10).forEach(i -> writer.write(record(i)));
        writer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> refusals.get() <= 0);
        // past the refusal's handling, into the second the writer waits before it tries again
        Thread.sleep(200);

        writer.stop();

        assertThat(browse()).hasSize(10);
    }

    private ConnectionFactory refusingFirst(AtomicInteger refusals) {
        return (ConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConnectionFactory.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createConnection") && refusals.getAndDecrement() > 0) {
                        throw new JMSException("broker unavailable");
                    }
                    return method.invoke(factory, args);
                });
    }

    private static OutcomeRecord record(int i) {
        return new OutcomeRecord("msg-" + i, "user-" + i, "{\"outcome\":\"delivered\",\"n\":" + i + "}");
    }

    private List<Message> browse() throws JMSException {
        List<Message> records = new ArrayList<>();
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(QueueNames.OUTCOMES))) {
            connection.start();
            for (Object message : Collections.list(browser.getEnumeration())) {
                records.add((Message) message);
            }
        }
        return records;
    }
}
