package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wootrichub.broker.EmbeddedBroker;

/**
 * The hub on an external broker (HUB_BROKER_URL): it delivers through it, answers 503 with Retry-After while the
 * broker is away, and recovers by itself when it returns, losing nothing it answered 200 for.
 */
class ExternalBrokerIT {

    @TempDir
    Path brokerData;

    @TempDir
    Path hubData;

    @Test
    void deliversThroughTheExternalBrokerAnswers503WhileItIsAwayAndRecovers() throws Exception {
        int port = HubProcess.freePort();
        EmbeddedBroker broker = new EmbeddedBroker(brokerData, HubDefaults.queues(), 10_000, port, HubDefaults.outcomesMax());
        broker.start();
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("external-broker", hubData, wootric.baseUrl(),
                        Map.of("HUB_BROKER_URL", "tcp://127.0.0.1:" + port, "HUB_BROKER_EMBEDDED_TCP_PORT", "0")).start()) {
            wootric.server.stubFor(get(urlPathMatching("/v1/end_users/ext-.*")).willReturn(okJson("{\"id\":66,\"properties\":{}}")));
            wootric.server.stubFor(put(urlPathMatching("/v1/end_users/66")).willReturn(okJson("{\"id\":66}")));
            Ingress ingress = new Ingress(hub.ingressUrl());
            assertThat(send(ingress, 0).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> delivered(wootric).contains(0));
            // the backlog gauges read the external broker too
            await().atMost(Duration.ofSeconds(20)).until(() -> Metrics.value(hub, "hub_queue_messages", "queue", "wootric.dlq") == 0
                    && !Double.isNaN(Metrics.value(hub, "hub_queue_parked", "queue", "segment.events")));

            broker.stop();
            HttpResponse<String> away = send(ingress, 1);
            assertThat(away.statusCode()).isEqualTo(503);
            assertThat(away.headers().firstValue("Retry-After")).isPresent();
            assertThat(new ObjectMapper().readTree(away.body()).get("code").asText()).isEqualTo("broker_unavailable");

            broker = new EmbeddedBroker(brokerData, HubDefaults.queues(), 10_000, port, HubDefaults.outcomesMax());
            broker.start();
            // the client retries, as Segment's libraries do after a 503, until the hub has reconnected
            int[] seq = {2};
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                    .until(() -> send(ingress, seq[0]).statusCode() == 200);
            for (int i = 3; i < 6; i++) {
                assertThat(send(ingress, i).statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(40)).until(() -> delivered(wootric).containsAll(Set.of(0, 2, 3, 4, 5)));
        } finally {
            broker.stop();
        }
    }

    private static HttpResponse<String> send(Ingress ingress, int seq) throws Exception {
        return ingress.post("/v1/identify", "test-key", "{\"userId\":\"ext-" + seq + "\",\"traits\":{\"seq\":" + seq + "}}");
    }

    private static Set<Integer> delivered(WootricFake wootric) {
        return wootric.requests("PUT", "/v1/end_users/66").stream()
                .map(r -> WootricFake.form(r).get("properties[seq]"))
                .filter(s -> s != null)
                .map(Integer::valueOf)
                .collect(Collectors.toSet());
    }
}
