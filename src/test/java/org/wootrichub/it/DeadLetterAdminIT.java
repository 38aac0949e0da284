package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.AdminCalls.call;
import static org.wootrichub.it.AdminCalls.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter admin API on the management port: list, show, replay once the cause is fixed, purge, auth. */
class DeadLetterAdminIT {

    private static final String TOKEN = "admin-token-for-tests";

    @TempDir
    Path data;

    @Test
    void listShowReplayAndPurgeDeadLetters() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("dlq-admin", data, wootric.baseUrl(), Map.of("HUB_ADMIN_TOKEN", TOKEN)).start()) {
            Ingress ingress = new Ingress(hub.ingressUrl());
            // Wootric refuses the update of end user 51 until "fixed"; user 52's track has an invalid score
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/adm-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":51,\"external_id\":\"adm-1\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/51")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad\"}")));
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/adm-2?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":52,\"external_id\":\"adm-2\",\"properties\":{}}")));
            assertThat(ingress.post("/v1/identify", "test-key", "{\"userId\":\"adm-1\",\"messageId\":\"adm-msg-1\",\"traits\":{\"plan\":\"x\"}}")
                    .statusCode()).isEqualTo(200);
            assertThat(ingress.post("/v1/track", "test-key",
                    "{\"userId\":\"adm-2\",\"messageId\":\"adm-msg-2\",\"event\":\"Survey Responded\",\"properties\":{\"score\":99}}")
                    .statusCode()).isEqualTo(200);

            assertThat(call(hub, "GET", "/admin/dlq", null).statusCode()).isEqualTo(401);
            assertThat(call(hub, "GET", "/admin/dlq", "wrong").statusCode()).isEqualTo(401);

            JsonNode list = await().atMost(Duration.ofSeconds(20)).until(() -> json(call(hub, "GET", "/admin/dlq", TOKEN)),
                    l -> l.get("total").asInt() == 2);
            JsonNode rejected = find(list, "adm-msg-1");
            assertThat(rejected.get("reason").asText()).isEqualTo("wootric_rejected");
            assertThat(rejected.get("status").asInt()).isEqualTo(400);
            assertThat(rejected.get("attempts").asInt()).isEqualTo(1);
            assertThat(rejected.get("firstFailureAt").asText()).isNotBlank();
            assertThat(find(list, "adm-msg-2").get("reason").asText()).isEqualTo("invalid_score");
            assertThat(json(call(hub, "GET", "/admin/dlq?reason=invalid_score", TOKEN)).get("total").asInt()).isEqualTo(1);
            assertThat(json(call(hub, "GET", "/admin/dlq?limit=1", TOKEN)).get("items")).hasSize(1);

            String id = rejected.get("id").asText();
            JsonNode one = json(call(hub, "GET", "/admin/dlq/" + id, TOKEN));
            assertThat(one.get("event").get("messageId").asText()).isEqualTo("adm-msg-1");
            assertThat(one.get("event").get("traits").get("plan").asText()).isEqualTo("x");

            // the cause is fixed: the replayed event is delivered once and leaves the DLQ
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/51")).willReturn(okJson("{\"id\":51}")));
            int putsBefore = wootric.requests("PUT", "/v1/end_users/51").size();
            assertThat(json(call(hub, "POST", "/admin/dlq/" + id + "/replay", TOKEN)).get("replayed").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> wootric.requests("PUT", "/v1/end_users/51").size() == putsBefore + 1);
            Thread.sleep(1000);
            assertThat(wootric.requests("PUT", "/v1/end_users/51")).hasSize(putsBefore + 1);
            assertThat(json(call(hub, "GET", "/admin/dlq", TOKEN)).get("total").asInt()).isEqualTo(1);
            assertThat(call(hub, "GET", "/admin/dlq/" + id, TOKEN).statusCode()).isEqualTo(404);

            assertThat(json(call(hub, "DELETE", "/admin/dlq?reason=invalid_score", TOKEN)).get("purged").asInt()).isEqualTo(1);
            assertThat(json(call(hub, "GET", "/admin/dlq", TOKEN)).get("total").asInt()).isZero();
            assertThat(hub.logText()).doesNotContain(TOKEN);
        }
    }

    @Test
    void aRejectedPendingChangeIsReplayedAsTheChange() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("dlq-admin-change", data, wootric.baseUrl(), Map.of("HUB_ADMIN_TOKEN", TOKEN,
                        "WOOTRIC_COALESCE_ENABLED", "true", "WOOTRIC_COALESCE_QUIET", "300ms")).start()) {
            Ingress ingress = new Ingress(hub.ingressUrl());
            CoalescingStubs.knowEveryUser(wootric);
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/chg-1")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"bad\"}")));
            // two property-only events, merged into one pending change, which Wootric rejects
            assertThat(ingress.post("/v1/page", "test-key", CoalescingStubs.page("chg-1", "Pricing")).statusCode()).isEqualTo(200);
            assertThat(ingress.post("/v1/identify", "test-key", CoalescingStubs.identify("chg-1", "\"plan\":\"pro\"")).statusCode())
                    .isEqualTo(200);
            JsonNode list = await().atMost(Duration.ofSeconds(20)).until(() -> json(call(hub, "GET", "/admin/dlq", TOKEN)),
                    l -> l.get("total").asInt() == 1);
            assertThat(list.get("items").get(0).get("reason").asText()).isEqualTo("wootric_rejected");
            JsonNode change = json(call(hub, "GET", "/admin/dlq/" + list.get("items").get(0).get("id").asText(), TOKEN)).get("event");
            assertThat(change.get("properties").get("plan").asText()).as("the merged change").isEqualTo("pro");
            assertThat(change.get("properties").get("page_name").asText()).isEqualTo("Pricing");
            assertThat(CoalescingStubs.updates(wootric, "chg-1")).as("the one rejected update").hasSize(1);

            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/chg-1")).willReturn(okJson("{\"id\":\"chg-1\"}")));
            String id = list.get("items").get(0).get("id").asText();
            int rejected = 1;
            assertThat(json(call(hub, "POST", "/admin/dlq/" + id + "/replay", TOKEN)).get("replayed").asInt()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(20)).until(() -> CoalescingStubs.updates(wootric, "chg-1").size() == rejected + 1);
            assertThat(WootricFake.form(CoalescingStubs.updates(wootric, "chg-1").get(rejected)))
                    .containsEntry("properties[plan]", "pro").containsEntry("properties[page_name]", "Pricing");
            Thread.sleep(1000);
            assertThat(json(call(hub, "GET", "/admin/dlq", TOKEN)).get("total").asInt()).as("nothing dead-lettered again").isZero();
        }
    }

    @Test
    void withoutAConfiguredTokenTheAdminApiIsOff() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("dlq-admin-off", data, wootric.baseUrl(), Map.of()).start()) {
            int status = call(hub, "GET", "/admin/dlq", TOKEN).statusCode();
            assertThat(status).isIn(401, 404);
            assertThat(status).isNotEqualTo(200);
        }
    }

    private static JsonNode find(JsonNode list, String messageId) {
        for (JsonNode item : list.get("items")) {
            if (messageId.equals(item.path("messageId").asText())) {
                return item;
            }
        }
        throw new AssertionError("no dead letter for " + messageId + " in " + list);
    }
}
