package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Segment Node library (@segment/analytics-node, installed by the build with npm ci) sends to the hub. */
class NodeClientIT {

    @TempDir
    Path data;

    @Test
    void identifyTrackAndPageFromAnalyticsNodeReachWootric() throws Exception {
        Path script = Path.of("src/test/node/send-events.mjs").toAbsolutePath();
        assertThat(script.getParent().resolve("node_modules/@segment/analytics-node")).as("npm ci ran in pre-integration-test").exists();
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("node-client", data, wootric.baseUrl(), Map.of()).start()) {
            wootric.server.stubFor(get(urlPathMatching("/v1/end_users/.*")).willReturn(aResponse().withStatus(404)));
            wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).willReturn(okJson("{\"id\":4242}").withStatus(201)));
            wootric.server.stubFor(post(urlEqualTo("/v1/end_users/4242/responses")).willReturn(okJson("{\"id\":1}").withStatus(201)));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/4242")).willReturn(okJson("{\"id\":4242}")));

            Path output = Path.of("target", "it-logs", "node-client-send.log");
            Map<String, String> env = Map.of("HUB_URL", hub.ingressUrl(), "WRITE_KEY", "test-key", "USER_ID", "node-1");
            ProcessBuilder builder = new ProcessBuilder("node", script.toString())
                    .directory(script.getParent().toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process node = builder.start();
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
            assertThat(node.exitValue()).as(Files.readString(output)).isZero();

            var create = await().atMost(Duration.ofSeconds(30)).until(() -> wootric.requests("POST", "/v1/end_users"), r -> !r.isEmpty()).get(0);
            assertThat(WootricFake.form(create)).containsEntry("external_id", "node-1").containsEntry("email", "node-1@example.com")
                    .containsEntry("properties[plan]", "node").containsEntry("external_created_at", "1420070400");

            var response = await().atMost(Duration.ofSeconds(30))
                    .until(() -> wootric.requests("POST", "/v1/end_users/4242/responses"), r -> !r.isEmpty()).get(0);
            assertThat(WootricFake.form(response)).containsEntry("score", "9").containsEntry("text", "from node");

            var page = await().atMost(Duration.ofSeconds(30)).until(() -> wootric.requests("PUT", "/v1/end_users/4242"), r -> !r.isEmpty()).get(0);
            assertThat(WootricFake.form(page)).containsEntry("properties[page_name]", "Pricing")
                    .containsEntry("properties[page_path]", "/pricing")
                    .containsEntry("properties[page_url]", "https://example.com/pricing")
                    .containsEntry("properties[plan]", "node");
        }
    }
}
