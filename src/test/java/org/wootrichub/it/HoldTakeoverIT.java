package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on one standalone broker. The hub that owns a user's message group parks the user's event and is killed
 * with -9; the other hub takes the group over and learns the user's hold from the parked events on the broker
 * (hub.holds.refresh), so the user's next event still waits behind the parked one.
 */
class HoldTakeoverIT {

    @TempDir
    Path work;

    @Test
    void theHubThatTakesOverAHeldUsersGroupKeepsTheUsersOrder() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("WOOTRIC_RETRY_IN_PROCESS_ATTEMPTS", "1", "WOOTRIC_RETRY_INITIAL_DELAY_MS", "50",
                "WOOTRIC_RETRY_PARK_INITIAL_DELAY", "30s", "WOOTRIC_RETRY_PARK_MAX_DELAY", "60s", "HUB_HOLDS_REFRESH", "1s"));
        try (StandaloneArtemis broker = new StandaloneArtemis(work, config -> config).start();
                WootricFake wootric = new WootricFake()) {
            env.putAll(broker.hubEnvironment());
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/taken-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":77,\"external_id\":\"taken-1\",\"properties\":{}}")));
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/77")).willReturn(okJson("{\"id\":77,\"external_id\":\"taken-1\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/77")).willReturn(aResponse().withStatus(503)));
            HubProcess one = HubProcess.create("takeover-1", work.resolve("hub1"), wootric.baseUrl(), env).start();
            HubProcess two = HubProcess.create("takeover-2", work.resolve("hub2"), wootric.baseUrl(), env).start();
            try {
                String messageId = "takeover-" + UUID.randomUUID();
                assertThat(new Ingress(one.ingressUrl()).post("/v1/identify", "test-key", "{\"userId\":\"taken-1\",\"messageId\":\""
                        + messageId + "\",\"traits\":{\"seq\":0}}").statusCode()).isEqualTo(200);
                // the logs are appended to across runs: the event's own messageId says which hub parked it
                await().atMost(Duration.ofSeconds(20)).until(() -> parked(one, messageId) || parked(two, messageId));
                HubProcess holder = parked(one, messageId) ? one : two;
                HubProcess survivor = holder == one ? two : one;

                // the event is parked on the broker (its parking committed) before its hub dies: else the broker would
                // give it back to the survivor as an unacknowledged message, and no hold would be needed
                await().atMost(Duration.ofSeconds(20)).until(() -> Metrics.value(holder, "hub_queue_parked") >= 1);
                holder.kill();
                wootric.server.stubFor(put(urlEqualTo("/v1/end_users/77")).willReturn(okJson("{\"id\":77}")));
                // the survivor learns the hold from the parked event on the broker (hub.holds.refresh); with the refresh
                // off it never does, and this fails
                await().atMost(Duration.ofSeconds(20)).until(() -> Metrics.value(survivor, "hub_users_held") == 1);
                // the parked event is retried 24 s or more after it was parked, long after the broker gave the survivor
                // the group (10 s TTL), so without the hold the next event would pass it
                assertThat(send(new Ingress(survivor.ingressUrl()), 1)).isEqualTo(200);

                await().atMost(Duration.ofSeconds(90)).until(() -> deliveredSeqs(wootric).size() >= 2);
                Thread.sleep(500);
                assertThat(deliveredSeqs(wootric)).as("the user's events in the order Wootric got them; Wootric got %s",
                        wootric.server.getAllServeEvents().stream().map(e -> e.getRequest().getMethod() + " "
                                + e.getRequest().getUrl() + " " + e.getResponse().getStatus()).toList())
                        .containsExactly(0, 1);
            } finally {
                one.kill();
                two.kill();
            }
        }
    }

    private static boolean parked(HubProcess hub, String messageId) throws Exception {
        return hub.logText().contains("event " + messageId + " failed");
    }

    private static int send(Ingress ingress, int seq) throws Exception {
        return ingress.post("/v1/identify", "test-key", "{\"userId\":\"taken-1\",\"traits\":{\"seq\":" + seq + "}}").statusCode();
    }

    private static List<Integer> deliveredSeqs(WootricFake wootric) {
        return wootric.deliveredSeqs().getOrDefault("/v1/end_users/77", List.of());
    }
}
