package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.CoalescingStubs.identify;
import static org.wootrichub.it.CoalescingStubs.page;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while property changes are pending: they are on the broker (one message per user, written in the
 * transaction that consumed each event), so the next run sends every one of them and each user ends with the last
 * values sent to the hub.
 */
class CoalescingCrashIT {

    private static final int USERS = 20;
    private static final int ROUNDS = 5;

    @TempDir
    Path data;

    @Test
    void pendingChangesSurviveAKill9AndAreSentAfterTheRestart() throws Exception {
        try (WootricFake wootric = new WootricFake()) {
            CoalescingStubs.knowEveryUser(wootric);
            // the first run never sends them: they stay pending until it is killed
            HubProcess first = HubProcess.create("coalescing-crash-1", data, wootric.baseUrl(),
                    Map.of("WOOTRIC_COALESCE_ENABLED", "true", "WOOTRIC_COALESCE_QUIET", "1h", "WOOTRIC_COALESCE_MAX_DELAY", "2h")).start();
            Ingress ingress = new Ingress(first.ingressUrl());
            Map<String, Map<String, String>> last = new HashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (int u = 0; u < USERS; u++) {
                    String user = "crash-" + u;
                    assertThat(ingress.post("/v1/identify", "test-key", identify(user, "\"round\":" + round)).statusCode()).isEqualTo(200);
                    assertThat(ingress.post("/v1/page", "test-key", page(user, "R" + round)).statusCode()).isEqualTo(200);
                    last.put(user, Map.of("round", Integer.toString(round), "page_name", "R" + round));
                }
            }
            try (QueueProbe queues = new QueueProbe(first.brokerUrl())) {
                // every event merged: one pending message per user, not one per event
                await().atMost(Duration.ofSeconds(30)).until(() -> queues.count("segment.events", t -> true) == 0
                        && queues.browse("wootric.pending").size() == USERS);
            }
            assertThat(wootric.requests("PUT", "/v1/end_users/")).as("nothing sent before the kill").isEmpty();
            first.kill();

            try (HubProcess second = HubProcess.create("coalescing-crash-2", data, wootric.baseUrl(),
                    Map.of("WOOTRIC_COALESCE_ENABLED", "true", "WOOTRIC_COALESCE_QUIET", "200ms")).start();
                    QueueProbe queues = new QueueProbe(second.brokerUrl())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> last.entrySet().stream()
                        .allMatch(e -> wootric.propertiesOf(e.getKey()).entrySet().containsAll(e.getValue().entrySet())));
                await().atMost(Duration.ofSeconds(20)).until(() -> queues.browse("wootric.pending").isEmpty());
                for (int u = 0; u < USERS; u++) {
                    assertThat(CoalescingStubs.updates(wootric, "crash-" + u)).as("crash-%d sent once", u).hasSize(1);
                }
                assertThat(queues.count("wootric.dlq", t -> true)).isZero();
            }
        }
    }
}
