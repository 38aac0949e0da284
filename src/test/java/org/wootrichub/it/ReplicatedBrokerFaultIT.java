package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replicated primary/backup pair of the standalone Artemis (as docker-compose's "ha" profile runs it), two hubs on
 * it with the failover URL and steady load through both; the primary is killed with -9 mid-stream. Ingress answers
 * 503 only briefly and recovers on the backup by itself, every event answered 200 is delivered, duplicates are few,
 * and each user's events reach Wootric in the order they were accepted.
 */
class ReplicatedBrokerFaultIT {

    private static final int USERS_PER_HUB = 5;
    /** Longest time ingress may refuse events while the backup takes over. */
    private static final Duration LONGEST_OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path work;

    @Test
    void whenThePrimaryDiesTheBackupTakesOverAndNothingAnswered200IsLost() throws Exception {
        try (StandaloneArtemis.ReplicatedPair brokers = StandaloneArtemis.ReplicatedPair.create(work).start();
                WootricFake wootric = new WootricFake();
                HubProcess one = HubProcess.create("replicated-1", work.resolve("hub1"), wootric.baseUrl(), brokers.hubEnvironment()).start();
                HubProcess two = HubProcess.create("replicated-2", work.resolve("hub2"), wootric.baseUrl(), brokers.hubEnvironment()).start()) {
            List<Sender> senders = List.of(new Sender("ha-a-", 900, new Ingress(one.ingressUrl())),
                    new Sender("ha-b-", 950, new Ingress(two.ingressUrl())));
            for (Sender sender : senders) {
                for (int u = 0; u < USERS_PER_HUB; u++) {
                    wootric.server.stubFor(get(urlPathEqualTo("/v1/end_users/" + sender.user(u)))
                            .willReturn(okJson("{\"id\":" + sender.wootricId(u) + ",\"properties\":{}}")));
                    wootric.server.stubFor(put(urlPathEqualTo("/v1/end_users/" + sender.wootricId(u))).willReturn(okJson("{}")));
                }
                sender.start();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> senders.stream().allMatch(s -> s.accepted.size() >= 30));

            brokers.primary().kill();
            brokers.awaitBackupActive(Duration.ofSeconds(30));
            // the hubs recover by themselves: each takes 30 more events after the backup became active
            Map<Sender, Integer> before = new ConcurrentHashMap<>();
            senders.forEach(s -> before.put(s, s.accepted.size()));
            await().atMost(Duration.ofSeconds(60)).until(() -> senders.stream().allMatch(s -> s.accepted.size() >= before.get(s) + 30));
            for (Sender sender : senders) {
                sender.stop();
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> senders.stream().allMatch(s -> s.allDelivered(wootric)));
            Thread.sleep(1_000);
            int duplicates = 0;
            for (Sender sender : senders) {
                assertThat(sender.refusedMillis()).as("how long %s's ingress refused events", sender.prefix)
                        .isLessThan(LONGEST_OUTAGE.toMillis());
                for (int u = 0; u < USERS_PER_HUB; u++) {
                    List<Integer> delivered = sender.delivered(wootric, u);
                    assertThat(firstDeliveries(delivered)).as("user %s: first deliveries in the order accepted", sender.user(u))
                            .isSorted();
                    duplicates += delivered.size() - new HashSet<>(delivered).size();
                }
            }
            // at most the events in flight at the kill: a few per consumer
            assertThat(duplicates).as("events delivered twice").isLessThanOrEqualTo(16);
            System.out.printf("failover: backup active, %d duplicates, refused %s ms / %s ms%n", duplicates,
                    senders.get(0).refusedMillis(), senders.get(1).refusedMillis());
        }
    }

    /** Each seq once, at its first delivery. */
    private static List<Integer> firstDeliveries(List<Integer> delivered) {
        return new ArrayList<>(new LinkedHashSet<>(delivered));
    }

    /** Posts one identify after another through one hub, each user's seq rising, and remembers the answers. */
    private static final class Sender {
        final String prefix;
        final int firstWootricId;
        final Ingress ingress;
        final Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        final AtomicBoolean sending = new AtomicBoolean(true);
        final AtomicLong firstRefusal = new AtomicLong();
        final AtomicLong lastRefusal = new AtomicLong();
        private final Thread thread = new Thread(this::run);

        Sender(String prefix, int firstWootricId, Ingress ingress) {
            this.prefix = prefix;
            this.firstWootricId = firstWootricId;
            this.ingress = ingress;
        }

        String user(int u) {
            return prefix + u;
        }

        int wootricId(int u) {
            return firstWootricId + u;
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            sending.set(false);
            thread.join(40_000);
        }

        private void run() {
            for (int seq = 0; sending.get(); seq++) {
                int status;
                try {
                    status = ingress.post("/v1/identify", "test-key",
                            "{\"userId\":\"" + user(seq % USERS_PER_HUB) + "\",\"traits\":{\"seq\":" + seq + "}}").statusCode();
                } catch (Exception e) {
                    status = -1;
                }
                if (status == 200) {
                    accepted.add(seq);
                } else {
                    long now = System.currentTimeMillis();
                    firstRefusal.compareAndSet(0, now);
                    lastRefusal.set(now);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** From the first refused request to the last one (0 when none was refused). */
        long refusedMillis() {
            return firstRefusal.get() == 0 ? 0 : lastRefusal.get() - firstRefusal.get();
        }

        List<Integer> delivered(WootricFake wootric, int u) {
            return wootric.deliveredSeqs().getOrDefault("/v1/end_users/" + wootricId(u), List.of());
        }

        boolean allDelivered(WootricFake wootric) {
            Set<Integer> delivered = new HashSet<>();
            for (int u = 0; u < USERS_PER_HUB; u++) {
                delivered.addAll(delivered(wootric, u));
            }
            return delivered.containsAll(accepted);
        }
    }
}
