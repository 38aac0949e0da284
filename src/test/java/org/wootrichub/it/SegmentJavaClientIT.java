package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.IdentifyMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Segment Java library (3.5.4), pointed at the hub, reaches Wootric. */
class SegmentJavaClientIT {

    @TempDir
    Path data;

    @Test
    void identifyCallsFromAnalyticsJavaReachWootric() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("segment-java-client", data, wootric.baseUrl(), Map.of()).start()) {
            wootric.server.stubFor(get(urlPathMatching("/v1/end_users/.*")).willReturn(aResponse().withStatus(404)));
            wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).willReturn(okJson("{\"id\":1}").withStatus(201)));

            Analytics analytics = Analytics.builder("test-key").endpoint(hub.ingressUrl()).flushQueueSize(5).build();
            for (int i = 0; i < 10; i++) {
                Map<String, Object> traits = new LinkedHashMap<>();
                traits.put("email", "java-" + i + "@example.com");
                traits.put("plan", "java");
                traits.put("createdAt", "2015-01-01T00:00:00.000Z");
                analytics.enqueue(IdentifyMessage.builder().userId("java-" + i).traits(traits));
            }
            analytics.flush();
            analytics.shutdown();

            List<LoggedRequest> creates = await().atMost(Duration.ofSeconds(30))
                    .until(() -> wootric.requests("POST", "/v1/end_users"), r -> r.size() >= 10);
            assertThat(creates).hasSize(10);
            for (LoggedRequest create : creates) {
                Map<String, String> form = WootricFake.form(create);
                String userId = form.get("external_id");
                assertThat(userId).startsWith("java-");
                assertThat(form).containsEntry("email", userId + "@example.com")
                        .containsEntry("properties[plan]", "java")
                        .containsEntry("external_created_at", "1420070400");
            }
            assertThat(hub.logText()).doesNotContain("test-key");
        }
    }
}
