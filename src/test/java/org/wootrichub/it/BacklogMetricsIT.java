package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wootrichub.ops.OpsFiles;

/**
 * How far behind the hub is, on /observe/metrics: parked events and held users while Wootric is down, dead letters
 * after a refusal, the age of the oldest waiting event, Wootric calls in flight, the end-user cache and the JVM.
 */
class BacklogMetricsIT extends SharedHubIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void start() throws Exception {
        startHub("backlog-metrics", Map.of(
                "WOOTRIC_RETRY_IN_PROCESS_ATTEMPTS", "1",
                "WOOTRIC_RETRY_INITIAL_DELAY_MS", "50",
                "WOOTRIC_RETRY_PARK_INITIAL_DELAY", "1m",
                "WOOTRIC_RETRY_PARK_MAX_DELAY", "1m"));
    }

    @Test
    void theBacklogIsVisibleWhileWootricIsDownAndDeadLettersAreCounted() throws Exception {
        assertThat(metrics()).as("the gauges are there before any event")
                .contains("hub_queue_messages{queue=\"segment.events\"}", "hub_queue_parked{queue=\"segment.events\"}",
                        "hub_queue_oldest_age_seconds{queue=\"segment.events\"}", "hub_users_held ",
                        "hub_end_user_cache_hit_ratio ", "hub_wootric_calls_in_flight{lane=\"survey\"}",
                        "hub_wootric_calls_in_flight{lane=\"property\"}", "jvm_memory_used_bytes", "jvm_gc_");

        assertThat(gauge("hub_broker_up")).as("the embedded broker answers").isEqualTo(1);

        wootric.knownUser("down-1", 801);
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/801")).willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 3; i++) {
            assertThat(ingress.post("/v1/identify", "test-key", "{\"userId\":\"down-1\",\"traits\":{\"n\":" + i + "}}").statusCode())
                    .isEqualTo(200);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(Metrics.value(hub, "hub_queue_parked", "queue", "segment.events")).isEqualTo(3);
            assertThat(gauge("hub_users_held")).isEqualTo(1);
        });

        wootric.knownUser("refused-1", 802);
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/802")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"no\"}")));
        assertThat(ingress.post("/v1/identify", "test-key", "{\"userId\":\"refused-1\",\"traits\":{\"a\":1}}").statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> Metrics.value(hub, "hub_queue_messages", "queue", "wootric.dlq") == 1);
    }

    @Test
    void aSlowWootricCallIsInFlightInItsLaneUntilItIsAnswered() throws Exception {
        wootric.knownUser("slow-1", 803);
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users/803/responses"))
                .willReturn(okJson("{\"id\":1}").withStatus(201).withFixedDelay(4_000)));
        assertThat(ingress.post("/v1/track", "test-key",
                "{\"userId\":\"slow-1\",\"event\":\"Survey Responded\",\"properties\":{\"score\":9}}").statusCode()).isEqualTo(200);

        await().atMost(WAIT).until(() -> Metrics.value(hub, "hub_wootric_calls_in_flight", "lane", "survey") == 1);
        await().atMost(WAIT).until(() -> !wootric.requests("POST", "/v1/end_users/803/responses").isEmpty()
                && Metrics.value(hub, "hub_wootric_calls_in_flight", "lane", "survey") == 0);
    }

    /**
     * The hub's gauges that the alert rules and the dashboard under ops/ use exist from the start, with the label
     * values they select (counters appear with their first count: OpsFilesTest checks those against the README).
     */
    @Test
    void everyGaugeTheAlertsAndTheDashboardUseIsExported() throws Exception {
        List<String> series = metrics().lines().filter(line -> !line.startsWith("#")).toList();
        for (String name : OpsFiles.metricNames()) {
            if (name.startsWith("hub_") && !name.endsWith("_total")) {
                assertThat(series).as("%s (used under ops/)", name).anyMatch(line -> line.startsWith(name + "{") || line.startsWith(name + " "));
            }
        }
        for (OpsFiles.Selector selector : OpsFiles.selectors()) {
            if (!selector.metric().endsWith("_total")) {
                assertThat(series).as("%s%s (used under ops/)", selector.metric(), selector.labels())
                        .anyMatch(line -> line.startsWith(selector.metric() + "{") && selector.labels().entrySet().stream()
                                .allMatch(label -> line.contains(label.getKey() + "=\"" + label.getValue() + "\"")));
            }
        }
    }

    /** The value of a gauge without labels. */
    private static double gauge(String name) throws IOException, InterruptedException {
        for (String line : metrics().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    private static String metrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.managementUrl() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
