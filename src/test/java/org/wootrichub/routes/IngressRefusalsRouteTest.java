package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.HubConfiguration;

/**
 * The ingress port of the real application (YAML routes, embedded broker) over HTTP: the methods, paths and media
 * types it refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(
        configurationClasses = HubConfiguration.class,
        properties = {
            "camel.main.routesIncludePattern=file:routes/*.camel.yaml",
            "hub.data-dir=" + IngressRefusalsRouteTest.DATA,
            "hub.write-keys=test-key",
            "hub.dispatch.consumers=1",
            "camel.routecontroller.enabled=false"
        })
class IngressRefusalsRouteTest {

    static final String DATA = "target/route-tests/ingress-refusals";
    private static final HubPorts PORTS = HubPorts.claim(DATA);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void releasePorts() {
        PORTS.release();
    }

    static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.http + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("test-key:".getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send("POST", path, contentType, body);
    }

    private static final String TRACK = "{\"userId\":\"u-http\",\"event\":\"E\"}";

    @Test
    void aTrackEventIsAccepted() throws Exception {
        HttpResponse<String> response = post("/v1/track", "application/json", TRACK);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"success\":true}");
    }

    @Test
    void aWriteKeyInTheQueryStringIsNoWriteKey() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("test-key:".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.http + "/v1/track?Authorization="
                        + URLEncoder.encode(basic, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TRACK)).build();
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthorized\"");
    }

    @ParameterizedTest(name = "{0} /v1/track -> 405 JSON, Allow: POST")
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void otherMethodsGetAJson405(String method) throws Exception {
        HttpResponse<String> response = send(method, "/v1/track", "application/json", method.equals("GET") ? null : TRACK);
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).contains("\"code\":\"method_not_allowed\"");
    }

    @ParameterizedTest(name = "POST {0} -> 404 JSON")
    @ValueSource(strings = {"/v1track", "/v1//track", "/v1/track/", "/v1/track/x", "/v1/TRACK", "/v1/./track", "/v1/", "/v1"})
    void onlyTheDocumentedPathsReachTheIngress(String path) throws Exception {
        HttpResponse<String> response = post(path, "application/json", TRACK);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.body()).contains("\"code\":\"unknown_path\"");
    }

    @ParameterizedTest(name = "POST {0} is an endpoint")
    @ValueSource(strings = {"/v1/import", "/v1/import/", "/v1/batch", "/v1/b"})
    void batchPathsAreEndpoints(String path) throws Exception {
        HttpResponse<String> response = post(path, "application/json", "{\"batch\":[" + TRACK.replace("{", "{\"type\":\"track\",") + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aMultipartBodyIsA415() throws Exception {
        String boundary = "hub-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n" + TRACK + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> response = post("/v1/track", "multipart/form-data; boundary=" + boundary, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
        assertThat(response.body()).contains("\"code\":\"unsupported_media_type\"");
    }
}
