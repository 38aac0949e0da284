package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user held by a parked event stays held across a restart: its new events still wait behind the parked ones. */
class HoldRestartIT {

    @TempDir
    Path data;

    @Test
    void aHeldUsersNewEventsWaitBehindItsParkedOnesAfterARestart() throws Exception {
        Map<String, String> slowParking = Map.of("WOOTRIC_RETRY_IN_PROCESS_ATTEMPTS", "1", "WOOTRIC_RETRY_INITIAL_DELAY_MS", "50",
                "WOOTRIC_RETRY_PARK_INITIAL_DELAY", "15s", "WOOTRIC_RETRY_PARK_MAX_DELAY", "30s");
        try (WootricFake wootric = new WootricFake()) {
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/held-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":88,\"external_id\":\"held-1\",\"properties\":{}}")));
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/88")).willReturn(okJson("{\"id\":88,\"external_id\":\"held-1\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/88")).willReturn(aResponse().withStatus(503)));

            try (HubProcess first = HubProcess.create("hold-restart-1", data, wootric.baseUrl(), slowParking).start()) {
                Ingress ingress = new Ingress(first.ingressUrl());
                assertThat(send(ingress, 0)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> first.logText().contains("parked"));
                assertThat(send(ingress, 1)).isEqualTo(200);
                Thread.sleep(500);
            }

            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/88")).willReturn(okJson("{\"id\":88}")));
            try (HubProcess second = HubProcess.create("hold-restart-2", data, wootric.baseUrl(), slowParking).start()) {
                assertThat(second.logText()).contains("Restored the holds of 1 users");
                assertThat(send(new Ingress(second.ingressUrl()), 2)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(45)).until(() -> deliveredSeqs(wootric).size() >= 3);
                Thread.sleep(500);
                assertThat(deliveredSeqs(wootric)).containsExactly(0, 1, 2);
            }
        }
    }

    private static int send(Ingress ingress, int seq) throws Exception {
        return ingress.post("/v1/identify", "test-key", "{\"userId\":\"held-1\",\"traits\":{\"seq\":" + seq + "}}").statusCode();
    }

    private static List<Integer> deliveredSeqs(WootricFake wootric) {
        List<ServeEvent> events = new ArrayList<>(wootric.server.getAllServeEvents());
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        List<Integer> seqs = new ArrayList<>();
        for (ServeEvent e : events) {
            if (e.getRequest().getMethod().value().equals("PUT") && e.getResponse().getStatus() == 200) {
                seqs.add(Integer.valueOf(WootricFake.form(e.getRequest()).get("properties[seq]")));
            }
        }
        return seqs;
    }
}
