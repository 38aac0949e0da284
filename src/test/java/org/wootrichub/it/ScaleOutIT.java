package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub processes on one standalone Artemis broker: competing consumers deliver everything once, each user's events in order, and
 * the account's budget is shared (each instance takes per-minute / instances), so the combined rate stays within it.
 */
class ScaleOutIT {

    private static final int LIMIT = 12;
    private static final long WINDOW_MILLIS = 3_000;

    @TempDir
    Path brokerData;

    @TempDir
    Path hubData1;

    @TempDir
    Path hubData2;

    @Test
    void twoHubsShareTheQueueKeepEachUsersOrderAndStayWithinTheAccountLimit() throws Exception {
        StandaloneArtemis broker = new StandaloneArtemis(brokerData, config -> config).start();
        Map<String, String> env = new HashMap<>(broker.hubEnvironment());
        env.putAll(Map.of("WOOTRIC_RATE_LIMIT_PER_MINUTE", Integer.toString(LIMIT), "WOOTRIC_RATE_LIMIT_WINDOW", WINDOW_MILLIS + "ms",
                "WOOTRIC_RATE_LIMIT_INSTANCES", "2"));
        try (WootricFake wootric = new WootricFake();
                HubProcess one = HubProcess.create("scale-1", hubData1, wootric.baseUrl(), env).start();
                HubProcess two = HubProcess.create("scale-2", hubData2, wootric.baseUrl(), env).start()) {
            for (int u = 0; u < 4; u++) {
                wootric.server.stubFor(get(urlPathMatching("/v1/end_users/scale-" + u)).willReturn(okJson(
                        "{\"id\":" + (500 + u) + ",\"properties\":{}}")));
            }
            wootric.server.stubFor(put(urlPathMatching("/v1/end_users/50[0-3]")).willReturn(okJson("{\"id\":1}")));
            Ingress[] ingress = {new Ingress(one.ingressUrl()), new Ingress(two.ingressUrl())};
            int perUser = 5;
            for (int k = 0; k < perUser; k++) {
                for (int u = 0; u < 4; u++) {
                    // each user's events come in through both hubs, alternately
                    assertThat(ingress[(k + u) % 2].post("/v1/identify", "test-key",
                            "{\"userId\":\"scale-" + u + "\",\"traits\":{\"seq\":" + k + "}}").statusCode()).isEqualTo(200);
                }
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> delivered(wootric).values().stream().mapToInt(List::size).sum() >= 4 * perUser);
            Thread.sleep(500);
            Map<String, List<Integer>> delivered = delivered(wootric);
            for (int u = 0; u < 4; u++) {
                assertThat(delivered.get("/v1/end_users/" + (500 + u))).as("user scale-%d", u).containsExactly(0, 1, 2, 3, 4);
            }
            // the combined calls of both hubs in any window stay within the account's limit
            List<Long> times = new ArrayList<>();
            for (ServeEvent e : wootric.server.getAllServeEvents()) {
                if (e.getRequest().getUrl().startsWith("/v1/")) {
                    times.add(e.getRequest().getLoggedDate().getTime());
                }
            }
            times.sort(Comparator.naturalOrder());
            assertThat(times.size()).isGreaterThan(LIMIT);
            for (int i = 0; i + LIMIT < times.size(); i++) {
                assertThat(times.get(i + LIMIT) - times.get(i)).as("calls %d..%d", i, i + LIMIT).isGreaterThanOrEqualTo(WINDOW_MILLIS - 100);
            }
        } finally {
            broker.close();
        }
    }

    /** The seq values of successful PUTs, per end-user path, in the order Wootric received them. */
    private static Map<String, List<Integer>> delivered(WootricFake wootric) {
        List<ServeEvent> events = new ArrayList<>(wootric.server.getAllServeEvents());
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        Map<String, List<Integer>> byUser = new HashMap<>();
        for (ServeEvent e : events) {
            if (e.getRequest().getMethod().value().equals("PUT") && e.getResponse().getStatus() == 200) {
                byUser.computeIfAbsent(e.getRequest().getUrl(), k -> new ArrayList<>())
                        .add(Integer.valueOf(WootricFake.form(e.getRequest()).get("properties[seq]")));
            }
        }
        return byUser;
    }
}
