package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HUB_LOG_FORMAT=json in the packaged jar: every line is JSON, and a line about an event carries its ids as fields. */
class JsonLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void theDeadLetterLineIsJsonWithTheEventsIds() throws Exception {
        try (RunningHub running = RunningHub.start("json-log", data, Map.of("HUB_LOG_FORMAT", "json"))) {
            running.wootric.server.stubFor(get(urlEqualTo("/v1/end_users/json-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":61,\"external_id\":\"json-1\",\"properties\":{}}")));
            running.wootric.server.stubFor(put(urlEqualTo("/v1/end_users/61")).willReturn(aResponse().withStatus(400).withBody("{}")));
            assertThat(running.ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"json-1\",\"messageId\":\"json-msg-1\",\"traits\":{\"plan\":\"x\"}}").statusCode()).isEqualTo(200);

            JsonNode deadLetter = await().atMost(Duration.ofSeconds(20)).until(() -> errorLine(running.hub.logText()), Optional::isPresent).get();
            assertThat(deadLetter.path("message").asText()).startsWith("Dead letter: identify event json-msg-1");
            assertThat(deadLetter.path("messageId").asText()).isEqualTo("json-msg-1");
            assertThat(deadLetter.path("userKey").asText()).isEqualTo("json-1");
            assertThat(running.hub.logText().lines().filter(l -> !l.isBlank()))
                    .isNotEmpty().allSatisfy(line -> assertThat(JSON.readTree(line).has("@timestamp")).as(line).isTrue());
        }
    }

    private static Optional<JsonNode> errorLine(String log) {
        return log.lines().filter(l -> l.startsWith("{")).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                return null;
            }
        }).filter(n -> n != null && "ERROR".equals(n.path("level").asText())).findFirst();
    }
}
