package org.wootrichub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.MainSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class archive's training start (bin/wootric-hub with HUB_CDS=train): the hub on free ports, asked what its
 * first minute asks it (the ready checks, events on the batch, single-event and analytics.js paths, a refused write
 * key, a metrics scrape), until it has dispatched the events; then it stops. The JVM writes every class it loaded,
 * so the classes that only a request or an event loads come from the archive too (about a tenth of a second of the
 * ready check, docs/benchmarks.md, start to ready).
 * <p>
 * The launcher runs it with a throwaway data folder and a dry run (WOOTRIC_DRY_RUN): nothing reaches Wootric. Its
 * write key is {@value #WRITE_KEY}. An answer the hub should not give ends the training with status 1, and the
 * launcher writes no archive.
 */
public final class ClassArchiveTraining extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveTraining.class);

    static final String WRITE_KEY = "training";
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final Duration DISPATCHED_WITHIN = Duration.ofSeconds(10);
    private static final int EVENTS = 5;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile int ingressPort;
    private volatile int managementPort;
    private volatile boolean failed;

    public static void main(String[] args) {
        ClassArchiveTraining training = new ClassArchiveTraining();
        int exit = HubApplication.run(args, training);
        System.exit(training.failed ? 1 : exit);
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        // the launcher asks for port 0: the servers' own ports, once they listen (one server when both are the same)
        for (VertxPlatformHttpRouter router : main.getCamelContext().getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (router.isMainServer()) {
                ingressPort = router.getServer().getPort();
            } else {
                managementPort = router.getServer().getPort();
            }
        }
        if (managementPort == 0) {
            managementPort = ingressPort;
        }
        Thread requests = new Thread(() -> {
            try {
                ask();
            } catch (Exception e) {
                failed = true;
                LOG.error("The class archive's training failed: {}", e.getMessage(), e);
            } finally {
                // as camel.main.durationMaxSeconds ends a run: a graceful stop, then HubApplication.run returns
                ((MainSupport) main).completed();
            }
        }, "hub-archive-training");
        requests.setDaemon(true);
        requests.start();
    }

    private void ask() throws Exception {
        awaitReady();
        expect(405, send(HttpRequest.newBuilder(ingress("/v1/identify")).GET()));
        String batch = """
                {"batch": [
                  {"type": "identify", "userId": "training-1", "messageId": "training-1",
                   "traits": {"email": "training-1@example.com", "name": "Training", "createdAt": "2026-01-01T00:00:00Z"}},
                  {"type": "track", "userId": "training-1", "messageId": "training-2", "event": "Survey Responded",
                   "properties": {"score": 9, "text": "training"}},
                  {"type": "page", "userId": "training-1", "messageId": "training-3", "name": "Home"}
                ]}""";
        expect(200, send(post("/v1/batch", "application/json", batch).header("Authorization", basic(WRITE_KEY))));
        expect(200, send(post("/v1/identify", "application/json", """
                {"type": "identify", "userId": "training-2", "messageId": "training-4", "traits": {"email": "training-2@example.com"}}""")
                .header("Authorization", basic(WRITE_KEY))));
        // analytics.js: text/plain, the write key in the body
        expect(200, send(post("/v1/t", "text/plain", """
                {"type": "track", "userId": "training-2", "messageId": "training-5", "event": "Viewed", "writeKey": "%s"}"""
                .formatted(WRITE_KEY))));
        expect(401, send(post("/v1/track", "application/json", "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}")
                .header("Authorization", basic("not-" + WRITE_KEY))));
        awaitDispatched();
    }

    private void awaitReady() throws Exception {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (true) {
            try {
                HttpResponse<String> health = send(HttpRequest.newBuilder(management("/observe/health")).GET());
                // the ingress route is registered a moment after the health check says UP
                if (health.statusCode() == 200 && send(HttpRequest.newBuilder(ingress("/v1/identify")).GET()).statusCode() != 404) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the hub was not ready within " + READY_WITHIN);
            }
            Thread.sleep(20);
        }
    }

    /** Until the metrics count an outcome for each event sent (an identify's change may wait, coalesced: not required). */
    private void awaitDispatched() throws Exception {
        Instant deadline = Instant.now().plus(DISPATCHED_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> metrics = expect(200, send(HttpRequest.newBuilder(management("/observe/metrics")).GET()));
            if (outcomes(metrics.body()) >= EVENTS) {
                return;
            }
            Thread.sleep(100);
        }
        LOG.info("The training's events were not all dispatched within {}; the archive holds what was loaded", DISPATCHED_WITHIN);
    }

    private static double outcomes(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("hub_events_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private HttpRequest.Builder post(String path, String contentType, String body) {
        return HttpRequest.newBuilder(ingress(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri().getPath() + " was answered "
                    + response.statusCode() + ", not " + status + ": " + response.body());
        }
        return response;
    }

    private URI ingress(String path) {
        return URI.create("http://127.0.0.1:" + ingressPort + path);
    }

    private URI management(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    private static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

}
