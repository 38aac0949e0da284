package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.AdminCalls.call;
import static org.wootrichub.it.AdminCalls.json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator console in headless Chromium against the real hub (src/test/node/console.mjs says what the operator
 * does and sees). This side prepares what the console acts on, two dead letters, one of whose causes is then fixed,
 * and checks that what was done in the browser happened in the hub and at Wootric. The screenshots go to
 * {@code -Dconsole.screenshots} (the build's target/console-screenshots; {@code docs} to refresh the README's).
 */
class ConsoleIT {

    private static final String TOKEN = "console-token-for-tests";
    private static final String FLOW_USER = "console-flow";
    private static final String PREVIEW_USER = "console-preview";
    /** A limit of the hub's own, so that the overview has a budget to show. */
    private static final String RATE_LIMIT = "600";

    @TempDir
    Path data;

    @Test
    void anOperatorWatchesFindsReplaysPurgesAndPreviewsInTheConsole() throws Exception {
        NodeClients.requireInstalled("playwright-core");
        Path screenshots = Path.of(System.getProperty("console.screenshots", "target/console-screenshots")).toAbsolutePath();
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("console", data, wootric.baseUrl(), Map.of("HUB_ADMIN_TOKEN", TOKEN,
                        "WOOTRIC_RATE_LIMIT_PER_MINUTE", RATE_LIMIT)).start()) {
            wootric.knownUser(FLOW_USER, 81);
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/81")).willReturn(okJson("{\"id\":81}")));
            // Wootric refuses to update these two users: their identifies are dead-lettered
            for (int id : new int[] {91, 92}) {
                wootric.knownUser("console-dead-" + id, id);
                wootric.server.stubFor(put(urlEqualTo("/v1/end_users/" + id))
                        .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"refused\"}")));
                assertThat(new Ingress(hub.ingressUrl()).post("/v1/identify", "test-key", "{\"userId\":\"console-dead-" + id
                        + "\",\"messageId\":\"dead-msg-" + id + "\",\"traits\":{\"plan\":\"refused\"}}").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> json(call(hub, "GET", "/admin/dlq", TOKEN)).get("total").asInt() == 2);
            // the first one's cause is fixed: its replay from the console must reach Wootric
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/91")).willReturn(okJson("{\"id\":91}")));

            NodeClients.run("console.mjs", Map.ofEntries(Map.entry("CONSOLE", hub.managementUrl()), Map.entry("HUB", hub.ingressUrl()),
                    Map.entry("WRITE_KEY", NodeClients.WRITE_KEY), Map.entry("TOKEN", TOKEN), Map.entry("CHROMIUM", System.getProperty("chromium")),
                    Map.entry("SCREENSHOTS", screenshots.toString()), Map.entry("RATE_LIMIT", RATE_LIMIT), Map.entry("FLOW_USER", FLOW_USER),
                    Map.entry("DEAD_REPLAY", "dead-msg-91"), Map.entry("DEAD_PURGE", "dead-msg-92"), Map.entry("PREVIEW_USER", PREVIEW_USER)),
                    "console-browser", Duration.ofMinutes(3));

            // the refused update, then the replay's
            assertThat(wootric.requests("PUT", "/v1/end_users/91")).hasSize(2);
            assertThat(WootricFake.form(wootric.requests("PUT", "/v1/end_users/91").get(1))).containsEntry("properties[plan]", "refused");
            assertThat(wootric.requests("PUT", "/v1/end_users/92")).hasSize(1);
            assertThat(json(call(hub, "GET", "/admin/dlq", TOKEN)).get("total").asInt()).as("replayed and purged").isZero();
            assertThat(wootric.requests("PUT", "/v1/end_users/81")).hasSize(12);
            // the preview asked Wootric nothing
            assertThat(wootric.requests("GET", "/v1/end_users/" + PREVIEW_USER)).isEmpty();
            assertThat(wootric.requests("POST", "/v1/end_users")).isEmpty();
            assertThat(hub.logText()).doesNotContain(TOKEN);
            for (String panel : new String[] {"overview", "tail", "search", "dead-letters", "preview"}) {
                assertThat(screenshots.resolve("console-" + panel + ".png")).isNotEmptyFile();
                assertThat(Files.getLastModifiedTime(screenshots.resolve("console-" + panel + ".png")).toMillis())
                        .as("written by this run").isGreaterThan(System.currentTimeMillis() - Duration.ofMinutes(5).toMillis());
            }
        }
    }
}
