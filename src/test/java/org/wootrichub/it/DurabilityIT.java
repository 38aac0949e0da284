package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accepted means stored: events taken while Wootric is down survive a stop and start of the hub. */
class DurabilityIT {

    @TempDir
    Path data;

    @Test
    void eventsAcceptedWhileWootricIsDownAreDeliveredAfterARestart() throws Exception {
        int wootricPort = HubProcess.freePort();
        String wootricUrl = "http://127.0.0.1:" + wootricPort;
        int events = 20;

        // Wootric is not there at all: every call is a connection failure (transient)
        HubProcess first = HubProcess.create("durability-1", data, wootricUrl, Map.of()).start();
        Ingress ingress = new Ingress(first.ingressUrl());
        for (int i = 0; i < events; i++) {
            assertThat(ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"durable-" + i + "\",\"traits\":{\"email\":\"durable-" + i + "@example.com\"}}").statusCode())
                    .isEqualTo(200);
        }
        // let the hub try and fail (in-process retries and at least one parking) before it is stopped
        await().atMost(Duration.ofSeconds(30)).until(() -> first.logText().contains("parked"));
        first.stop();

        try (WootricFake wootric = new WootricFake(wootricPort)) {
            wootric.server.stubFor(get(urlPathMatching("/v1/end_users/.*")).willReturn(aResponse().withStatus(404)));
            wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).willReturn(okJson("{\"id\":9}").withStatus(201)));
            try (HubProcess second = HubProcess.create("durability-2", data, wootricUrl, Map.of()).start();
                    QueueProbe queues = new QueueProbe(second.brokerUrl())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> createdUsers(wootric).size() == events);
                assertThat(queues.count("wootric.dlq", t -> t.contains("durable-"))).isZero();
            }
        }
    }

    private static Set<String> createdUsers(WootricFake wootric) {
        return wootric.requests("POST", "/v1/end_users").stream()
                .map(r -> WootricFake.form(r).get("external_id"))
                .collect(Collectors.toSet());
    }
}
