package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.HubConfiguration;
import org.wootrichub.observe.CapturedLogs;

/**
 * The ingress port of the real application over HTTP as real clients use it: bodies labelled whatever the client
 * labels them (the body decides), and browsers on other origins (CORS preflight and headers, default origins).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(
        configurationClasses = HubConfiguration.class,
        properties = {
            "camel.main.routesIncludePattern=file:routes/*.camel.yaml",
            "hub.data-dir=" + IngressClientsRouteTest.DATA,
            "hub.write-keys=test-key",
            "hub.dispatch.consumers=1"
            // the supervising route controller on, as in the packaged hub: it starts the routes later
        })
class IngressClientsRouteTest {

    static final String DATA = "target/route-tests/ingress-clients";
    private static final HubPorts PORTS = HubPorts.claim(DATA);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String BATCH = "{\"batch\":[{\"type\":\"track\",\"userId\":\"u-clients\",\"event\":\"E\"}]}";
    private static final String PAGE_ORIGIN = "http://shop.example.com:3000";

    @AfterAll
    static void releasePorts() {
        PORTS.release();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.http + path)).timeout(Duration.ofSeconds(20));
    }

    private static HttpResponse<String> post(String path, String contentType, String encoding, byte[] body) throws Exception {
        HttpRequest.Builder request = request(path)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("test-key:".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static void assertJson(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).contains(code);
    }

    // ---------------------------------------------------------------- the body decides

    @Test
    void gzipJsonLabelledFormIsAcceptedWithoutAnErrorInTheLog() throws Exception {
        try (CapturedLogs logs = new CapturedLogs(Level.INFO)) {
            // @rudderstack/rudder-sdk-node with its defaults: gzip: true, and axios labels a Buffer as a form
            HttpResponse<String> response = post("/v1/batch", "application/x-www-form-urlencoded", "gzip", gzip(BATCH));
            assertJson(response, 200, "\"success\":true");
            // before, Vert.x's form decoder failed on the bytes: "Unhandled exception in router" (io.vertx.ext.web.RoutingContext)
            assertThat(logs.events()).filteredOn(e -> e.getLoggerName().startsWith("io.vertx")).extracting(LogEvent::getLevel)
                    .doesNotContain(Level.ERROR);
            assertThat(logs.messages()).noneMatch(m -> m.contains("Unhandled exception"));
        }
    }

    @ParameterizedTest(name = "JSON labelled {0} -> 200")
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream"})
    void jsonIsAcceptedWhateverItIsLabelled(String contentType) throws Exception {
        assertJson(post("/v1/batch", contentType, null, BATCH.getBytes(StandardCharsets.UTF_8)), 200, "\"success\":true");
    }

    @Test
    void aFormBodyThatIsNotJsonIsA415() throws Exception {
        assertJson(post("/v1/track", "application/x-www-form-urlencoded", null, "userId=u&event=E".getBytes(StandardCharsets.UTF_8)),
                415, "\"code\":\"unsupported_media_type\"");
        assertJson(post("/v1/track", "application/x-www-form-urlencoded", "gzip", gzip("userId=u&event=E")),
                415, "\"code\":\"unsupported_media_type\"");
    }

    @Test
    void aBodyThatIsNotJsonLabelledOtherwiseIsAJson400() throws Exception {
        assertJson(post("/v1/track", "text/plain", null, "userId=u&event=E".getBytes(StandardCharsets.UTF_8)),
                400, "\"code\":\"invalid_json\"");
        assertJson(post("/v1/track", "application/json", "gzip", gzip("not json")), 400, "\"code\":\"invalid_json\"");
    }

    // ---------------------------------------------------------------- CORS

    @ParameterizedTest(name = "preflight of {0}")
    @ValueSource(strings = {"/v1/t", "/v1/batch", "/v1/import/", "/v1/webhook"})
    void aPreflightIsAnsweredForAnyOriginByDefault(String path) throws Exception {
        HttpResponse<String> response = CLIENT.send(request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", PAGE_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,x-retry-count")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(m -> assertThat(m).contains("POST"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(h -> assertThat(h)
                .contains("Content-Type").contains("Authorization").contains("Content-Encoding").contains("X-Retry-Count"));
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).isPresent();
    }

    @Test
    void repliesToAPageCarryTheAllowedOrigin() throws Exception {
        HttpResponse<String> accepted = CLIENT.send(request("/v1/b").header("Origin", PAGE_ORIGIN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(BATCH.replace("{\"batch\"", "{\"writeKey\":\"test-key\",\"batch\""))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJson(accepted, 200, "\"success\":true");
        assertThat(accepted.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

        HttpResponse<String> refused = CLIENT.send(request("/v1/t").header("Origin", PAGE_ORIGIN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u\",\"event\":\"E\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertJson(refused, 401, "\"code\":\"unauthorized\"");
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).as("a page can read why it was refused").hasValue("*");
    }

    @Test
    void anOptionsRequestThatIsNoPreflightIsStillA405() throws Exception {
        HttpResponse<String> response = CLIENT.send(request("/v1/track").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertJson(response, 405, "\"code\":\"method_not_allowed\"");
    }
}
