package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 401 after a renewed token is a dead letter auth_failed; a token endpoint that is down is only a delay. */
class AuthFailuresIT {

    @TempDir
    Path data;

    @Test
    void aSecond401IsDeadLetteredAndATokenEndpointOutageIsRetried() throws Exception {
        try (RunningHub running = RunningHub.start("auth-failures", data, Map.of(
                "WOOTRIC_RETRY_IN_PROCESS_ATTEMPTS", "1", "WOOTRIC_RETRY_INITIAL_DELAY_MS", "50",
                "WOOTRIC_RETRY_PARK_INITIAL_DELAY", "500ms", "WOOTRIC_RETRY_PARK_MAX_DELAY", "1s"))) {
            WootricFake wootric = running.wootric;
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/deny-1?lookup_by_external_id=true")).willReturn(aResponse().withStatus(401)));
            assertThat(running.ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"deny-1\",\"messageId\":\"msg-deny-1\",\"traits\":{\"a\":1}}").statusCode()).isEqualTo(200);
            TextMessage dead = running.queues.await("wootric.dlq", t -> t.contains("msg-deny-1"), Duration.ofSeconds(20));
            assertThat(dead.getStringProperty("hubReason")).isEqualTo("auth_failed");
            assertThat(dead.getIntProperty("hubHttpStatus")).isEqualTo(401);
            // the token was renewed once between the two refused calls
            assertThat(wootric.requests("GET", "/v1/end_users/deny-1")).hasSize(2);

            // the token endpoint goes down, and the cached token is refused once: renewing it fails for a while
            wootric.server.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(0).willReturn(aResponse().withStatus(503)));
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/tok-1?lookup_by_external_id=true")).inScenario("renew")
                    .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(401)).willSetStateTo("refused"));
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/tok-1?lookup_by_external_id=true")).inScenario("renew")
                    .whenScenarioStateIs("refused").willReturn(okJson("{\"id\":99,\"external_id\":\"tok-1\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/99")).willReturn(okJson("{\"id\":99}")));
            assertThat(running.ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"tok-1\",\"messageId\":\"msg-tok-1\",\"traits\":{\"a\":2}}").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> running.hub.logText().contains("parked"));
            assertThat(running.queues.count("wootric.dlq", t -> t.contains("msg-tok-1"))).isZero();

            wootric.server.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(0).willReturn(okJson(
                    "{\"access_token\":\"tok-fresh\",\"token_type\":\"Bearer\",\"expires_in\":7200}")));
            await().atMost(Duration.ofSeconds(20)).until(() -> !wootric.requests("PUT", "/v1/end_users/99").isEmpty());
            assertThat(running.queues.count("wootric.dlq", t -> t.contains("msg-tok-1"))).isZero();
        }
    }
}
