package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wootric misbehaving: outages that force parking, scripted answers, 429 storms. Short retry settings. */
class DeliveryFaultsIT extends SharedHubIT {


    @BeforeAll
    static void start() throws Exception {
        startHub("delivery-faults", Map.of(
                "WOOTRIC_RETRY_IN_PROCESS_ATTEMPTS", "2",
                "WOOTRIC_RETRY_INITIAL_DELAY_MS", "50",
                "WOOTRIC_RETRY_PARK_INITIAL_DELAY", "300ms",
                "WOOTRIC_RETRY_PARK_MAX_DELAY", "1500ms"));
    }

    /** The answers Wootric gave to PUTs of one end user, oldest first: status and the seq property sent. */
    private static List<int[]> puts(int id) {
        List<ServeEvent> events = new ArrayList<>(wootric.server.getAllServeEvents());
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        List<int[]> answers = new ArrayList<>();
        for (ServeEvent e : events) {
            if (e.getRequest().getMethod().value().equals("PUT") && e.getRequest().getUrl().equals("/v1/end_users/" + id)) {
                String seq = WootricFake.form(e.getRequest()).get("properties[seq]");
                answers.add(new int[] {e.getResponse().getStatus(), seq == null ? -1 : Integer.parseInt(seq)});
            }
        }
        return answers;
    }

    private static List<Integer> deliveredSeqs(int id) {
        return puts(id).stream().filter(a -> a[0] == 200).map(a -> a[1]).toList();
    }

    @Test
    void anOutageLongEnoughToParkLosesNothingAndKeepsEachUsersOrder() throws Exception {
        int users = 3;
        int perUser = 6;
        for (int u = 0; u < users; u++) {
            wootric.knownUser("ord-" + u, 700 + u);
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/" + (700 + u))).willReturn(aResponse().withStatus(500)));
        }
        for (int k = 0; k < perUser; k++) {
            for (int u = 0; u < users; u++) {
                assertThat(ingress.post("/v1/identify", "test-key",
                        "{\"userId\":\"ord-" + u + "\",\"traits\":{\"seq\":" + k + "}}").statusCode()).isEqualTo(200);
            }
            Thread.sleep(150);
        }
        // down long enough for the quick retries to give up and events to be parked, then Wootric recovers
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.logText().contains("parked"));
        Thread.sleep(2000);
        for (int u = 0; u < users; u++) {
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/" + (700 + u))).willReturn(okJson("{\"id\":1}")));
        }
        for (int u = 0; u < users; u++) {
            int id = 700 + u;
            await().atMost(Duration.ofSeconds(40)).until(() -> deliveredSeqs(id).size() >= perUser);
        }
        Thread.sleep(1000);
        for (int u = 0; u < users; u++) {
            assertThat(deliveredSeqs(700 + u)).as("user ord-%d delivered in order, each once", u).containsExactly(0, 1, 2, 3, 4, 5);
        }
        assertThat(queues.count("wootric.dlq", t -> t.contains("ord-"))).isZero();
    }

    @Test
    void scriptedAnswersPerEvent() throws Exception {
        // 500, 500, 200: delivered once
        wootric.knownUser("script-a", 801);
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/801")).inScenario("a").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("one"));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/801")).inScenario("a").whenScenarioStateIs("one")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("two"));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/801")).inScenario("a").whenScenarioStateIs("two")
                .willReturn(okJson("{\"id\":801}")));
        // 400: dead letter once, with its context
        wootric.knownUser("script-b", 802);
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/802")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"no\"}")));
        // 500, 400: dead letter once
        wootric.knownUser("script-c", 803);
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/803")).inScenario("c").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("bad"));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/803")).inScenario("c").whenScenarioStateIs("bad")
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"later no\"}")));

        for (String user : List.of("script-a", "script-b", "script-c")) {
            assertThat(ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"" + user + "\",\"messageId\":\"msg-" + user + "\",\"traits\":{\"seq\":1}}").statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveredSeqs(801).size() == 1);
        var deadB = queues.await("wootric.dlq", t -> t.contains("msg-script-b"), Duration.ofSeconds(20));
        var deadC = queues.await("wootric.dlq", t -> t.contains("msg-script-c"), Duration.ofSeconds(20));
        Thread.sleep(1500);
        assertThat(puts(801)).hasSize(3);
        assertThat(deliveredSeqs(801)).containsExactly(1);
        assertThat(deadB.getIntProperty("hubHttpStatus")).isEqualTo(400);
        assertThat(deadB.getStringProperty("hubResponseBody")).contains("no");
        assertThat(deadB.getStringProperty("hubWootricOperation")).isEqualTo("PUT /v1/end_users/{id}");
        assertThat(deadC.getIntProperty("hubHttpStatus")).isEqualTo(400);
        assertThat(deadC.getIntProperty("hubAttempts")).isEqualTo(2);
        assertThat(queues.count("wootric.dlq", t -> t.contains("msg-script-b"))).isEqualTo(1);
        assertThat(queues.count("wootric.dlq", t -> t.contains("msg-script-c"))).isEqualTo(1);
        assertThat(queues.count("wootric.dlq", t -> t.contains("msg-script-a"))).isZero();
    }

    @Test
    void a429WaitsForTheResetTimeAndIsNeverADeadLetter() throws Exception {
        wootric.knownUser("limit-1", 901);
        long reset = System.currentTimeMillis() / 1000 + 3;
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/901")).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("X-Rate-Limit-Limit", "100")
                        .withHeader("X-Rate-Limit-Remaining", "0").withHeader("X-Rate-Limit-Reset", Long.toString(reset)))
                .willSetStateTo("storm-2"));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/901")).inScenario("429").whenScenarioStateIs("storm-2")
                .willReturn(aResponse().withStatus(429).withHeader("X-Rate-Limit-Reset", Long.toString(reset))).willSetStateTo("ok"));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/901")).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"id\":901}")));

        assertThat(ingress.post("/v1/identify", "test-key",
                "{\"userId\":\"limit-1\",\"messageId\":\"msg-limit-1\",\"traits\":{\"seq\":7}}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveredSeqs(901).size() == 1);

        List<ServeEvent> events = new ArrayList<>(wootric.server.getAllServeEvents());
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        List<Long> times = events.stream().filter(e -> e.getRequest().getUrl().equals("/v1/end_users/901"))
                .map(e -> e.getRequest().getLoggedDate().getTime()).toList();
        assertThat(times).hasSize(3);
        // nothing was sent again before the reset (Wootric's clock has second precision: 250 ms of tolerance)
        assertThat(times.get(1)).isGreaterThanOrEqualTo(reset * 1000 - 250);
        assertThat(queues.count("wootric.dlq", t -> t.contains("msg-limit-1"))).isZero();
    }
}
