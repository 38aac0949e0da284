package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumerAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;
import org.wootrichub.ingress.EventLoopHttpConsumer;

/**
 * The ingress-http route over real HTTP on a random port: reply codes and JSON bodies. The eventPublisher bean is
 * a recording stand-in, so no broker is involved.
 */
class IngressHttpRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACK = "{\"userId\":\"u-1\",\"event\":\"Signed Up\"}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpRequest request(String path, String contentType, String writeKey, byte[] body) {
        int port = producer.getCamelContext().hasService(VertxPlatformHttpServer.class).getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (writeKey != null) {
            String basic = Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + basic);
        }
        return request.build();
    }

    private HttpRequest request(String path, String writeKey, String json) {
        return request(path, "application/json", writeKey, json.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, String contentType, String writeKey, byte[] body) throws Exception {
        return http.send(request(path, contentType, writeKey, body), HttpResponse.BodyHandlers.ofString());
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
        assertThat(queued.at("/context/ip").asText()).as("the connection's address").isEqualTo("127.0.0.1");
    }

    @Test
    void withoutTrustInAProxyForwardedForIsNotTheSendersAddress() throws Exception {
        int port = producer.getCamelContext().hasService(VertxPlatformHttpServer.class).getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/track?X-Forwarded-For=192.0.2.9"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.7")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(TRACK)).build();

        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        QueuedEvent event = publisher.published().get(0).accepted().get(0);
        assertThat(JSON.readTree(event.json()).at("/context/ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void theIngressRouteRunsOnTheEventLoopThatReadTheRequestAndAnswersOnceTheWriterHasStored() throws Exception {
        assertThat(((PlatformHttpConsumerAware) producer.getCamelContext().getRoute("ingress-http").getConsumer()).getPlatformHttpConsumer())
                .isInstanceOfSatisfying(EventLoopHttpConsumer.class, consumer -> assertThat(consumer.onEventLoop()).isTrue());

        HttpResponse<String> response = post("/v1/track", WRITE_KEY, TRACK);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).isEqualTo(JSON.readTree("{\"success\":true}"));
        assertThat(publisher.storingThreads()).singleElement().asString().startsWith("vert.x-eventloop-thread-");
    }

    @Test
    void newConnectionsAreTakenInTurnByEachEventLoop() throws Exception {
        Set<String> eventLoops = new HashSet<>();
        // the second event loop's server starts listening just after the first
        for (int i = 0; i < 20 && eventLoops.size() < 2; i++) {
            assertThat(onNewConnection(trackRequest())).isEqualTo("HTTP/1.1 200 OK");
            eventLoops.add(publisher.storingThreads().get(publisher.storingThreads().size() - 1));
        }

        assertThat(eventLoops).hasSize(2).allSatisfy(thread -> assertThat(thread).startsWith("vert.x-eventloop-thread-"));
    }

    @Test
    void aRequestIsAnsweredOnlyOnceItsEventsAreStoredAndMeanwhileNoEventLoopWaits() throws Exception {
        publisher.holdStores();
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(request("/v1/track", WRITE_KEY, TRACK),
                HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 100 && publisher.published().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(publisher.published()).hasSize(1);

        // new connections go to each event loop in turn: a loop waiting for the store would leave one unanswered
        for (int i = 0; i < 4; i++) {
            assertThat(onNewConnection("GET /v1/track HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n"))
                    .isEqualTo("HTTP/1.1 405 Method Not Allowed");
        }
        assertThat(waiting).isNotDone();

        publisher.release();
        assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    private String trackRequest() {
        String basic = Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        byte[] body = TRACK.getBytes(StandardCharsets.UTF_8);
        return "POST /v1/track HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Authorization: Basic " + basic + "\r\nContent-Length: " + body.length + "\r\n\r\n" + TRACK;
    }

    /** Sends one request on a connection of its own and returns the status line of its answer. */
    private String onNewConnection(String request) throws Exception {
        int port = producer.getCamelContext().hasService(VertxPlatformHttpServer.class).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void aLargeBatchIsReadOnAWorkerThreadAndStillAnsweredOnceStored() throws Exception {
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 900; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"userId\":\"u-").append(i)
                    .append("\",\"event\":\"Signed Up\",\"properties\":{\"plan\":\"pro\",\"seats\":").append(i).append("}}");
        }
        String body = batch.append("]}").toString();
        assertThat(body.length()).isGreaterThan(EventLoopHttpConsumer.WORKER_BODY_BYTES);

        HttpResponse<String> response = post("/v1/batch", WRITE_KEY, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(publisher.published()).singleElement().satisfies(result -> assertThat(result.accepted()).hasSize(900));
        assertThat(publisher.storingThreads()).singleElement().asString().startsWith("vert.x-worker-thread-");
    }

    @Test
    void aRouteThatFailsUnhandledIsAnswered500WithoutItsMessage() throws Exception {
        publisher.failWith(new IllegalStateException("internal detail " + WRITE_KEY));

        HttpResponse<String> response = post("/v1/track", WRITE_KEY, TRACK);

        assertRefused(response, 500, "internal_error");
        assertThat(response.body()).doesNotContain("internal detail").doesNotContain(WRITE_KEY);
    }

    @Test
    void aPlatformHttpRouteOfTheUsersOwnRunsOnAWorkerThread() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        producer.getCamelContext().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/own").routeId("own-http")
                        .process(exchange -> threads.add(Thread.currentThread().getName()))
                        .setBody(constant("own"));
            }
        });
        try {
            assertThat(((PlatformHttpConsumerAware) producer.getCamelContext().getRoute("own-http").getConsumer()).getPlatformHttpConsumer())
                    .isInstanceOfSatisfying(EventLoopHttpConsumer.class, consumer -> assertThat(consumer.onEventLoop()).isFalse());

            HttpResponse<String> response = post("/own", WRITE_KEY, "{}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("own");
            assertThat(threads).singleElement().asString().startsWith("vert.x-worker-thread-");
        } finally {
            producer.getCamelContext().getRouteController().stopRoute("own-http");
            producer.getCamelContext().removeRoute("own-http");
        }
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
