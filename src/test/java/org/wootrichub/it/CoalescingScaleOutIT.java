package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.CoalescingStubs.identify;
import static org.wootrichub.it.CoalescingStubs.page;
import static org.wootrichub.it.CoalescingStubs.response;
import static org.wootrichub.it.CoalescingStubs.track;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on one standalone Artemis broker, coalescing on: each user's events come in through both hubs; nothing
 * is lost (every response once), and each user ends with the last values sent to the hubs.
 */
class CoalescingScaleOutIT {

    private static final int USERS = 6;
    private static final int ROUNDS = 6;

    @TempDir
    Path brokerData;

    @TempDir
    Path hubData1;

    @TempDir
    Path hubData2;

    @Test
    void twoHubsOnOneBrokerLoseNothingAndEndWithEachUsersLastValues() throws Exception {
        StandaloneArtemis broker = new StandaloneArtemis(brokerData, config -> config).start();
        Map<String, String> env = new HashMap<>(broker.hubEnvironment());
        env.putAll(Map.of("WOOTRIC_COALESCE_ENABLED", "true", "WOOTRIC_COALESCE_QUIET", "300ms"));
        try (WootricFake wootric = new WootricFake();
                HubProcess one = HubProcess.create("coalescing-scale-1", hubData1, wootric.baseUrl(), env).start();
                HubProcess two = HubProcess.create("coalescing-scale-2", hubData2, wootric.baseUrl(), env).start()) {
            CoalescingStubs.knowEveryUser(wootric);
            Ingress[] ingress = {new Ingress(one.ingressUrl()), new Ingress(two.ingressUrl())};
            Map<String, Map<String, String>> last = new HashMap<>();
            int responses = 0;
            for (int round = 0; round < ROUNDS; round++) {
                for (int u = 0; u < USERS; u++) {
                    String user = "scale-" + u;
                    Ingress in = ingress[(round + u) % 2];
                    assertThat(in.post("/v1/identify", "test-key", identify(user, "\"round\":" + round)).statusCode()).isEqualTo(200);
                    assertThat(in.post("/v1/page", "test-key", page(user, "R" + round)).statusCode()).isEqualTo(200);
                    assertThat(in.post("/v1/track", "test-key", track(user, "E" + round)).statusCode()).isEqualTo(200);
                    if (round % 3 == 2) {
                        assertThat(in.post("/v1/track", "test-key", response(user, round)).statusCode()).isEqualTo(200);
                        responses++;
                    }
                    last.put(user, Map.of("round", Integer.toString(round), "page_name", "R" + round, "custom_event_name", "E" + round));
                }
                Thread.sleep(200);
            }
            int expectedResponses = responses;
            await().atMost(Duration.ofSeconds(60)).until(() -> wootric.requests("POST", "/v1/end_users/").size() >= expectedResponses
                    && last.entrySet().stream()
                            .allMatch(e -> wootric.propertiesOf(e.getKey()).entrySet().containsAll(e.getValue().entrySet())));
            Thread.sleep(2000);
            for (Map.Entry<String, Map<String, String>> user : last.entrySet()) {
                assertThat(wootric.propertiesOf(user.getKey())).as(user.getKey()).containsAllEntriesOf(user.getValue());
            }
            assertThat(wootric.requests("POST", "/v1/end_users/")).as("every response once").hasSize(expectedResponses);
            try (QueueProbe queues = new QueueProbe(broker.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> queues.browse("wootric.pending").isEmpty());
                assertThat(queues.count("wootric.dlq", t -> true)).isZero();
            }
        } finally {
            broker.close();
        }
    }
}
