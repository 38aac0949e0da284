package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wootrichub.observe.HubMetrics;

/**
 * IngressFront on a bare Vert.x router, configured with a list of origins; behind it, Vert.x's body handler (as the
 * ingress route has) and a handler that echoes the body it was given.
 */
class IngressFrontTest {

    private static final String ALLOWED = "https://app.example.com";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Vertx vertx;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        IngressFront front = new IngressFront(" https://other.example.com , " + ALLOWED, 64, new HubMetrics(() -> null));
        front.install(router);
        // installed again (the startup listener may be called twice): still one front, the body read once
        front.install(router);
        router.route("/v1/*").handler(BodyHandler.create()).handler(rc -> rc.response().putHeader("Content-Type", "text/plain")
                .end(rc.body().buffer() == null ? "(none)" : rc.body().asString()));
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    }

    private static HttpRequest.Builder preflight(String origin) {
        return to("/v1/track").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST");
    }

    @Test
    void aListedOriginIsEchoedWithVaryOrigin() throws Exception {
        HttpResponse<String> response = send(preflight(ALLOWED));
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
        assertThat(response.headers().allValues("Vary")).contains("Origin");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValue(IngressFront.ALLOW_HEADERS);

        HttpResponse<String> post = send(to("/v1/track").header("Origin", ALLOWED).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
    }

    @Test
    void anUnlistedOriginGetsNoCorsHeadersAndItsPreflightA403() throws Exception {
        HttpResponse<String> response = send(preflight("https://evil.example.com"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"origin_not_allowed\"");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> post = send(to("/v1/track").header("Origin", "https://evil.example.com")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(post.headers().allValues("Vary")).contains("Origin");
    }

    @Test
    void theRawBodyReachesTheRouteWhateverItsContentType() throws Exception {
        for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"}) {
            HttpResponse<String> response = send(to("/v1/track").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("a=1&b=%zz")));
            assertThat(response.statusCode()).as(type).isEqualTo(200);
            assertThat(response.body()).as(type).isEqualTo("a=1&b=%zz");
        }
    }

    @Test
    void aBodyOverTheLimitIsAJson413() throws Exception {
        HttpResponse<String> response = send(to("/v1/track").POST(HttpRequest.BodyPublishers.ofString("x".repeat(65))));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"request_too_large\"");
    }
}
