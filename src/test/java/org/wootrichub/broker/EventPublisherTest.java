package org.wootrichub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.TextMessage;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.activemq.artemis.core.paging.impl.PagingManagerImpl;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.wootrichub.it.HubDefaults;
import org.apache.logging.log4j.Level;
import org.wootrichub.observe.CapturedLogs;
import org.wootrichub.observe.HubMetrics;

/**
 * The publisher against a real embedded broker: requests stored together in one transaction, each caller answered
 * only once its own events are on the queue, and a duplicate messageId dropped without the events stored with it.
 * Each test runs both ways a writer stores: through the embedded broker's own session, as the hub does with it, and
 * through a JMS connection, as with an external broker.
 */
class EventPublisherTest {

    enum Way {
        EMBEDDED_SESSION, JMS
    }

    @TempDir
    Path data;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory factory;
    private EventPublisher publisher;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker(data, HubDefaults.queues(), 1000, 0, 100);
        broker.start();
        factory = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
        factory.setConfirmationWindowSize(256 * 1024);
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        factory.close();
        broker.stop();
    }

    private EventPublisher publisher(Way way, Predicate<String> storedBefore) {
        publisher = new EventPublisher(factory, HubDefaults.queues(), new HubMetrics(() -> meters), storedBefore,
                way == Way.EMBEDDED_SESSION ? broker::groupSession : () -> null);
        return publisher;
    }

    private static IntakeResult request(String... messageIds) {
        List<QueuedEvent> events = new ArrayList<>();
        for (String id : messageIds) {
            events.add(new QueuedEvent("{\"messageId\":\"" + id + "\"}", id, "user-" + id, "track"));
        }
        return new IntakeResult(events, List.of(), messageIds.length == 1);
    }

    /** The duplicate ids of the events on the events queue, in queue order. */
    private List<String> queued() throws Exception {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(HubDefaults.queues().events()))) {
            connection.start();
            List<String> ids = new ArrayList<>();
            for (Message m : Collections.list((java.util.Enumeration<Message>) browser.getEnumeration())) {
                ids.add(m.getStringProperty(HubHeaders.DUPLICATE_ID));
            }
            return ids;
        }
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aDuplicateOfAStoredEventIsDroppedAndTheEventsWithItAreStored(Way way) throws Exception {
        EventPublisher publisher = publisher(way, broker::storedOnEventsQueue);
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub")) {
            publisher.publish(request("m1", "m2"));
            publisher.publish(request("m2", "m3", "m3", "m4"));

            assertThat(queued()).containsExactly("m1", "m2", "m3", "m4");
            assertThat(broker.duplicates()).isEqualTo(1);
            assertThat(logs.messages()).as("stored in one transaction each").noneSatisfy(m -> assertThat(m).contains("rolled back"));
        }
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void aDuplicateTheCheckCannotSeeRollsTheGroupBackAndItsEventsAreStoredOneByOne(Way way) throws Exception {
        // as with an external broker: nothing is known of what was stored before
        EventPublisher publisher = publisher(way, id -> false);
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub")) {
            publisher.publish(request("m1", "m2"));
            publisher.publish(request("m2", "m3"));
            publisher.publish(request("m4"));

            assertThat(queued()).containsExactly("m1", "m2", "m3", "m4");
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("rolled back").doesNotContain("user-m2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Way.class)
    void concurrentRequestsAreEachAnsweredOnlyOnceTheirOwnEventsAreStored(Way way) throws Exception {
        EventPublisher publisher = publisher(way, broker::storedOnEventsQueue);
        int requests = 400;
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String id = "c" + i;
                // every tenth request repeats the one before: a client retrying after a lost reply
                String duplicate = i % 10 == 9 ? "c" + (i - 1) : null;
                answers.add(callers.submit(() -> {
                    publisher.publish(duplicate == null ? request(id) : request(id, duplicate));
                    synchronized (session) {
                        try (QueueBrowser browser = session.createBrowser(session.createQueue(HubDefaults.queues().events()),
                                HubHeaders.USER_KEY + " = 'user-" + id + "'")) {
                            return browser.getEnumeration().hasMoreElements();
                        }
                    }
                }));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get()).as("the request's event is on the queue when it is answered").isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
        List<String> ids = queued();
        assertThat(ids).hasSize(requests).doesNotHaveDuplicates();
    }

    /** The hub's consumers and the admin API read JMS messages: an event reads the same whichever way it was stored. */
    @ParameterizedTest
    @EnumSource(Way.class)
    void storedEventsReadAsTheTextMessagesAJmsProducerSends(Way way) throws Exception {
        String json = "{\"type\":\"track\",\"text\":\"caf\u00e9 \ud83d\ude00\"}";
        publisher(way, broker::storedOnEventsQueue).publish(new IntakeResult(
                List.of(new QueuedEvent(json, "m1", "user-1", "track"), new QueuedEvent(json, null, "user-2", "identify")),
                List.of(new RejectedEvent(1, "not an object", "[1]")), false));

        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            MessageConsumer events = session.createConsumer(session.createQueue(HubDefaults.queues().events()));
            TextMessage first = (TextMessage) events.receive(5_000);
            assertThat(first.getText()).isEqualTo(json);
            assertThat(first.getStringProperty(HubHeaders.NORMALISED)).isEqualTo("true");
            assertThat(first.getStringProperty(HubHeaders.SEGMENT_TYPE)).isEqualTo("track");
            assertThat(first.getStringProperty(HubHeaders.USER_KEY)).isEqualTo("user-1");
            assertThat(first.getStringProperty(HubHeaders.GROUP_ID)).isEqualTo("user-1");
            assertThat(first.getStringProperty(HubHeaders.DUPLICATE_ID)).isEqualTo("m1");
            assertThat(first.getJMSMessageID()).startsWith("ID:");
            assertThat(first.getJMSTimestamp()).isGreaterThan(0);
            assertThat(first.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(first.getJMSPriority()).isEqualTo(4);
            TextMessage second = (TextMessage) events.receive(5_000);
            assertThat(second.getStringProperty(HubHeaders.SEGMENT_TYPE)).isEqualTo("identify");
            assertThat(second.getStringProperty(HubHeaders.DUPLICATE_ID)).isNull();
            assertThat(second.getJMSMessageID()).isNotEqualTo(first.getJMSMessageID());
            assertThat(events.receive(200)).isNull();

            Message rejected = session.createConsumer(session.createQueue(HubDefaults.queues().rejected())).receive(5_000);
            assertThat(((TextMessage) rejected).getText()).isEqualTo("[1]");
            assertThat(rejected.getStringProperty(HubHeaders.REASON)).isEqualTo("not an object");
            assertThat(rejected.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        }
    }

    /**
     * A rejected batch keeps its original body, up to the ingress limit of 500 KB: too large for one journal record (a
     * JMS client sends it as a large message), it is stored in a file of its own with the events of its group.
     */
    @ParameterizedTest
    @EnumSource(Way.class)
    void aRejectedBodyTooLargeForAJournalRecordIsStoredWithItsGroup(Way way) throws Exception {
        String large = "[\"" + "\u00e9x".repeat(150_000) + "\"]";
        publisher(way, broker::storedOnEventsQueue).publish(new IntakeResult(
                List.of(new QueuedEvent("{\"messageId\":\"l1\"}", "l1", "user-l1", "track")),
                List.of(new RejectedEvent(0, "event_too_large", large)), false));

        assertThat(queued()).containsExactly("l1");
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            Message rejected = session.createConsumer(session.createQueue(HubDefaults.queues().rejected())).receive(5_000);
            assertThat(((TextMessage) rejected).getText()).isEqualTo(large);
            assertThat(rejected.getStringProperty(HubHeaders.REASON)).isEqualTo("event_too_large");
        }
    }

    /** A writer that dies (an Error) answers its group and lets go of its ids: the other writers store them. */
    @ParameterizedTest
    @EnumSource(Way.class)
    void aWriterThatDiesLetsGoOfItsGroupsIds(Way way) throws Exception {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        EventPublisher publisher = publisher(way, id -> {
            if (id.equals("e1") && failOnce.getAndSet(false)) {
                throw new AssertionError("a writer's fault");
            }
            return broker.storedOnEventsQueue(id);
        });

        assertThatThrownBy(() -> publisher.publish(request("e1", "e2"))).isInstanceOf(BrokerUnavailable.class)
                .hasMessageContaining("writer failed");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> publisher.publish(request("e1", "e2")));
        assertThat(queued()).containsExactly("e1", "e2");
    }

    /**
     * A client's producer would be held back by the broker's flow control while the disk is full; the embedded
     * session answers at once that nothing was stored, and stores again once the disk has room.
     */
    @Test
    void withTheDiskFullTheEmbeddedSessionStoresNothingAndSaysSo() throws Exception {
        EventPublisher publisher = publisher(Way.EMBEDDED_SESSION, broker::storedOnEventsQueue);
        Method setDiskFull = PagingManagerImpl.class.getDeclaredMethod("setDiskFull", boolean.class);
        setDiskFull.setAccessible(true);
        setDiskFull.invoke(broker.activeServer().getPagingManager(), true);

        assertThatThrownBy(() -> publisher.publish(request("d1", "d2")))
                .isInstanceOf(BrokerUnavailable.class).hasMessageContaining("disk is full");
        assertThat(queued()).isEmpty();

        setDiskFull.invoke(broker.activeServer().getPagingManager(), false);
        publisher.publish(request("d1", "d2"));
        assertThat(queued()).containsExactly("d1", "d2");
    }
}
