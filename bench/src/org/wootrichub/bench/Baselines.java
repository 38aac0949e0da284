package org.wootrichub.bench;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.wootrichub.broker.EmbeddedBroker;
import org.wootrichub.it.HubDefaults;

/** The ceilings the hub's figures are divided by, measured on this machine in the same run. */
final class Baselines {

    private Baselines() {
    }

    /**
     * Persistent sends per second to the hub's broker configuration (embedded, same address settings), plain JMS.
     *
     * @param warmUp sends for this long first, not counted: the same broker then runs compiled code, as the hub does
     *        after its own warm-up
     */
    static double jmsPersistentSendRate(Path dataDir, int producers, Duration warmUp, Duration duration, String payload)
            throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker(dataDir, HubDefaults.queues(), 100_000, 0, HubDefaults.outcomesMax());
        broker.start();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(EmbeddedBroker.VM_URL);
                Connection connection = factory.createConnection()) {
            if (!warmUp.isZero()) {
                sendFor(connection, producers, warmUp, payload);
            }
            return sendFor(connection, producers, duration, payload);
        } finally {
            broker.stop();
        }
    }

    private static double sendFor(Connection connection, int producers, Duration duration, String payload) throws Exception {
        return perSecond(producers, duration, (deadline, sent) -> {
            try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createQueue(HubDefaults.queues().events()))) {
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                while (System.nanoTime() < deadline) {
                    producer.send(session.createTextMessage(payload));
                    sent.increment();
                }
            }
        });
    }

    /** Form requests per second posted straight to the Wootric fake with a plain Java HTTP client. */
    static double httpFormRate(String url, int concurrency, Duration duration) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return perSecond(concurrency, duration, (deadline, sent) -> {
            while (System.nanoTime() < deadline) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/end_users/1"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Authorization", "Bearer bench")
                        .PUT(HttpRequest.BodyPublishers.ofString("properties%5Bcustom_event_name%5D=Bench+Event&properties%5Bplan%5D=pro"))
                        .build();
                try {
                    client.send(request, HttpResponse.BodyHandlers.discarding());
                    sent.increment();
                } catch (java.io.IOException e) {
                    // a connection the server closed: the client opens another; the rate counts answered requests
                }
            }
        });
    }

    /** One worker of a baseline: does its operation until the deadline (nanoTime), counting each one done. */
    private interface Worker {
        void run(long deadline, LongAdder done) throws Exception;
    }

    /** Operations per second of {@code workers} copies of {@code worker} running side by side for {@code duration}. */
    private static double perSecond(int workers, Duration duration, Worker worker) throws Exception {
        LongAdder done = new LongAdder();
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                worker.run(deadline, done);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdownNow();
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }
}
