package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;

/**
 * The ingress-http route over real HTTP on a random port: reply codes and JSON bodies. The eventPublisher bean is
 * a recording stand-in, so no broker is involved.
 */
class IngressHttpRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACK = "{\"userId\":\"u-1\",\"event\":\"Signed Up\"}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> post(String path, String contentType, String writeKey, byte[] body) throws Exception {
        int port = producer.getCamelContext().hasService(VertxPlatformHttpServer.class).getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (writeKey != null) {
            String basic = Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + basic);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String writeKey, String json) throws Exception {
        return post(path, "application/json", writeKey, json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private static void assertRefused(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void aValidEventIsPersistedThenAnswered200() throws Exception {
        HttpResponse<String> response = post("/v1/track", WRITE_KEY, TRACK);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(JSON.readTree("{\"success\":true}"));
        // request headers never travel back
        assertThat(response.headers().firstValue("Authorization")).isEmpty();
        assertThat(publisher.published()).hasSize(1);
        IntakeResult result = publisher.published().get(0);
        assertThat(result.rejected()).isEmpty();
        QueuedEvent event = result.accepted().get(0);
        assertThat(event.type()).isEqualTo("track");
        assertThat(event.userKey()).isEqualTo("u-1");
        JsonNode queued = JSON.readTree(event.json());
        assertThat(queued.get("type").asText()).isEqualTo("track");
        assertThat(queued.get("receivedAt").asText()).isNotBlank();
        assertThat(queued.get("messageId").asText()).isEqualTo(event.messageId()).isNotBlank();
    }

    @Test
    void aBatchWithAnInvalidEventIsAnswered200WithTheRejectedOnesListed() throws Exception {
        // analytics-java: no Authorization header, the write key in the body, a trailing slash
        HttpResponse<String> response = post("/v1/import/", null, "{\"writeKey\":\"" + WRITE_KEY + "\",\"batch\":["
                + "{\"type\":\"identify\",\"userId\":\"u-2\"},{\"type\":\"track\",\"userId\":\"u-3\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(JSON.readTree(
                "{\"success\":true,\"accepted\":1,\"rejected\":[{\"index\":1,\"reason\":\"missing_event\"}]}"));
        IntakeResult result = publisher.published().get(0);
        assertThat(result.accepted()).extracting(QueuedEvent::userKey).containsExactly("u-2");
        assertThat(result.rejected()).singleElement().satisfies(rejected -> assertThat(rejected.reason()).isEqualTo("missing_event"));
    }

    @Test
    void badJsonIsAnswered400() throws Exception {
        assertRefused(post("/v1/batch", WRITE_KEY, "{\"batch\": [ not json"), 400, "invalid_json");
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void anInvalidSingleEventIsAnswered400WithItsReason() throws Exception {
        assertRefused(post("/v1/track", WRITE_KEY, "{\"userId\":\"u-4\"}"), 400, "missing_event");
        assertRefused(post("/v1/identify", WRITE_KEY, "{\"traits\":{}}"), 400, "missing_user_id");
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void aMissingOrUnknownWriteKeyIsAnswered401() throws Exception {
        assertRefused(post("/v1/track", null, TRACK), 401, "unauthorized");
        assertRefused(post("/v1/track", "wrong-key", TRACK), 401, "unauthorized");
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void aRequestOver500KbIsAnswered413() throws Exception {
        String padding = "x".repeat(510 * 1024);
        assertRefused(post("/v1/track", WRITE_KEY, "{\"userId\":\"u-5\",\"event\":\"E\",\"properties\":{\"p\":\"" + padding + "\"}}"),
                413, "request_too_large");
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void aFormEncodedBodyIsAnswered415() throws Exception {
        HttpResponse<String> response = post("/v1/track", "application/x-www-form-urlencoded", WRITE_KEY,
                "userId=u-6&event=E".getBytes(StandardCharsets.UTF_8));
        assertRefused(response, 415, "unsupported_media_type");
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void anUnknownPathIsAnswered404() throws Exception {
        assertRefused(post("/v1/purchase", WRITE_KEY, TRACK), 404, "unknown_path");
    }

    @Test
    void aBrokerThatDoesNotStoreTheEventsIsAnswered503WithRetryAfter() throws Exception {
        publisher.brokerDown(true);

        HttpResponse<String> response = post("/v1/track", WRITE_KEY, TRACK);

        assertRefused(response, 503, "broker_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(publisher.published()).isEmpty();
    }
}
