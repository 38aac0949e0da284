package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.AdminCalls.call;
import static org.wootrichub.it.AdminCalls.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcome log (found by messageId and userId, with the Wootric requests and their statuses, after a restart too),
 * the preview (the exact requests, nothing sent, nothing changed) and the dry run (nothing reaches Wootric, the
 * outcome log holds the requests).
 */
class OutcomesIT {

    private static final String TOKEN = "admin-token-for-tests";

    @TempDir
    Path data;

    @Test
    void outcomesAreFoundByMessageIdAndUserIdAfterARestart() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("outcomes", data, wootric.baseUrl(), Map.of("HUB_ADMIN_TOKEN", TOKEN)).start()) {
            // out-1 is new (created); out-2 is known (updated)
            wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody("{\"id\":61,\"email\":\"o1@example.com\"}")));
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/out-2?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":62,\"external_id\":\"out-2\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/62")).willReturn(okJson("{\"id\":62}")));
            Ingress ingress = new Ingress(hub.ingressUrl());
            assertThat(ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"out-1\",\"messageId\":\"out-msg-1\",\"traits\":{\"email\":\"o1@example.com\"}}").statusCode()).isEqualTo(200);
            assertThat(ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"out-2\",\"messageId\":\"out-msg-2\",\"traits\":{\"plan\":\"pro\"}}").statusCode()).isEqualTo(200);

            assertThat(call(hub, "GET", "/admin/events", null, null).statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(20)).until(() -> events(hub, "").get("total").asInt() == 2);
            assertFound(hub);
            String before = events(hub, "").toString();
            assertThat(before).doesNotContain("client-secret-value", "tok-", "Bearer");

            hub.stop();
            hub.start();
            // the admin API is mounted just after the health check first answers UP
            await().atMost(Duration.ofSeconds(10)).until(() -> call(hub, "GET", "/admin/events", null, TOKEN).statusCode() == 200);
            assertFound(hub);
            assertThat(events(hub, "").get("total").asInt()).isEqualTo(2);
        }
    }

    private static void assertFound(HubProcess hub) throws Exception {
        JsonNode created = single(events(hub, "messageId=out-msg-1"));
        assertThat(created.get("userKey").asText()).isEqualTo("out-1");
        assertThat(created.get("type").asText()).isEqualTo("identify");
        assertThat(created.get("outcome").asText()).isEqualTo("delivered");
        assertThat(created.get("finishedAt").asText()).isNotBlank();
        // the token request is in the record of whichever event needed it first
        assertThat(apiRequests(created)).containsExactly(
                "GET /v1/end_users/out-1?lookup_by_external_id=true 404 true",
                "GET /v1/end_users/o1@example.com?lookup_by_email=true 404 true",
                "POST /v1/end_users 201 true");
        assertThat(created.get("calls").get(created.get("calls").size() - 1).get("form").get("email").asText()).isEqualTo("o1@example.com");

        JsonNode updated = single(events(hub, "userId=out-2"));
        assertThat(updated.get("messageId").asText()).isEqualTo("out-msg-2");
        assertThat(apiRequests(updated)).containsExactly(
                "GET /v1/end_users/out-2?lookup_by_external_id=true 200 true",
                "PUT /v1/end_users/62 200 true");
        assertThat(events(hub, "userId=out-2&messageId=out-msg-1").get("total").asInt()).isZero();
        String tokenRequests = requests(created).toString() + requests(updated);
        assertThat(tokenRequests.split("POST /oauth/token 200 true", -1)).hasSize(2);
    }

    @Test
    void aPreviewShowsTheExactRequestsSendsNothingAndChangesNothing() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("preview", data, wootric.baseUrl(), Map.of("HUB_ADMIN_TOKEN", TOKEN)).start()) {
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/prev-2?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":72,\"external_id\":\"prev-2\",\"properties\":{\"plan\":\"basic\"}}")));
            String batch = "{\"batch\":["
                    + "{\"type\":\"identify\",\"userId\":\"prev-1\",\"messageId\":\"prev-msg-1\",\"traits\":{\"email\":\"p1@example.com\",\"plan\":\"pro\"}},"
                    + "{\"type\":\"track\",\"userId\":\"prev-1\",\"messageId\":\"prev-msg-2\",\"event\":\"Survey Responded\",\"properties\":{\"score\":9}},"
                    + "{\"type\":\"identify\",\"messageId\":\"prev-msg-3\"}]}";

            JsonNode cached = json(call(hub, "POST", "/admin/preview", batch, TOKEN));
            assertThat(cached.get("lookups").asText()).isEqualTo("cache");
            JsonNode events = cached.get("events");
            assertThat(events).hasSize(3);
            assertThat(events.get(0).get("outcome").asText()).isEqualTo("delivered");
            assertThat(previewRequests(events.get(0))).containsExactly(
                    "POST /oauth/token 200 false",
                    "GET /v1/end_users/prev-1?lookup_by_external_id=true 404 false",
                    "GET /v1/end_users/p1@example.com?lookup_by_email=true 404 false",
                    "POST /v1/end_users 201 false");
            JsonNode create = events.get(0).get("requests").get(3).get("form");
            assertThat(create.get("email").asText()).isEqualTo("p1@example.com");
            assertThat(create.get("external_id").asText()).isEqualTo("prev-1");
            assertThat(create.get("properties[plan]").asText()).isEqualTo("pro");
            // the second event finds the user the first one would create, in the preview's scratch cache
            assertThat(previewRequests(events.get(1))).containsExactly("POST /v1/end_users/dry-run-1/responses 201 false");
            assertThat(events.get(1).get("requests").get(0).get("form").get("score").asText()).isEqualTo("9");
            assertThat(events.get(2).get("outcome").asText()).isEqualTo("rejected");

            // live lookups: read-only requests really sent, writes not
            JsonNode live = json(call(hub, "POST", "/admin/preview?lookups=live",
                    "{\"type\":\"identify\",\"userId\":\"prev-2\",\"traits\":{\"plan\":\"pro\"}}", TOKEN));
            assertThat(previewRequests(live.get("events").get(0))).containsExactly(
                    "POST /oauth/token 200 true",
                    "GET /v1/end_users/prev-2?lookup_by_external_id=true 200 true",
                    "PUT /v1/end_users/72 200 false");
            assertThat(wootric.requests("PUT", "/")).isEmpty();
            assertThat(wootric.requests("POST", "/v1")).isEmpty();
            assertThat(wootric.requests("GET", "/v1/end_users/prev-1")).isEmpty();

            // no state changed: no outcome, and a real delivery of prev-1 still looks the user up (nothing was cached)
            assertThat(events(hub, "").get("total").asInt()).isZero();
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/prev-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":71,\"external_id\":\"prev-1\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/71")).willReturn(okJson("{\"id\":71}")));
            new Ingress(hub.ingressUrl()).post("/v1/identify", "test-key",
                    "{\"userId\":\"prev-1\",\"messageId\":\"prev-msg-4\",\"traits\":{\"plan\":\"pro\"}}");
            await().atMost(Duration.ofSeconds(20)).until(() -> wootric.requests("PUT", "/v1/end_users/71").size() == 1);
            assertThat(wootric.requests("GET", "/v1/end_users/prev-1")).hasSize(1);
        }
    }

    @Test
    void aDryRunSendsNothingAndTheOutcomeLogHoldsTheRequests() throws Exception {
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("dry-run", data, wootric.baseUrl(), Map.of("HUB_ADMIN_TOKEN", TOKEN,
                        "WOOTRIC_DRY_RUN", "true", "WOOTRIC_CLIENT_ID", "", "WOOTRIC_CLIENT_SECRET", "", "WOOTRIC_ACCOUNT_TOKEN", "")).start()) {
            Ingress ingress = new Ingress(hub.ingressUrl());
            assertThat(ingress.post("/v1/identify", "test-key",
                    "{\"userId\":\"dry-1\",\"messageId\":\"dry-msg-1\",\"traits\":{\"email\":\"d1@example.com\"}}").statusCode()).isEqualTo(200);
            assertThat(ingress.post("/v1/track", "test-key",
                    "{\"userId\":\"dry-1\",\"messageId\":\"dry-msg-2\",\"event\":\"Survey Responded\",\"properties\":{\"score\":7}}")
                    .statusCode()).isEqualTo(200);

            JsonNode page = await().atMost(Duration.ofSeconds(20)).until(() -> events(hub, "userId=dry-1"),
                    p -> p.get("total").asInt() == 2);
            // newest first
            JsonNode response = page.get("items").get(0);
            JsonNode identify = page.get("items").get(1);
            assertThat(identify.get("outcome").asText()).isEqualTo("delivered");
            assertThat(requests(identify)).containsExactly(
                    "POST /oauth/token 200 false",
                    "GET /v1/end_users/dry-1?lookup_by_external_id=true 404 false",
                    "GET /v1/end_users/d1@example.com?lookup_by_email=true 404 false",
                    "POST /v1/end_users 201 false");
            assertThat(response.get("messageId").asText()).isEqualTo("dry-msg-2");
            assertThat(requests(response)).containsExactly("POST /v1/end_users/dry-run-1/responses 201 false");
            assertThat(response.get("calls").get(0).get("form").get("score").asText()).isEqualTo("7");
            assertThat(wootric.server.getAllServeEvents()).isEmpty();
        }
    }

    private static JsonNode events(HubProcess hub, String query) throws Exception {
        return json(call(hub, "GET", "/admin/events" + (query.isEmpty() ? "" : "?" + query), null, TOKEN));
    }

    private static JsonNode single(JsonNode page) {
        assertThat(page.get("total").asInt()).as(page.toString()).isEqualTo(1);
        return page.get("items").get(0);
    }

    /** "METHOD /path?query STATUS SENT" of each call of an outcome record. */
    private static List<String> requests(JsonNode record) {
        return lines(record.get("calls"));
    }

    private static List<String> apiRequests(JsonNode record) {
        return requests(record).stream().filter(line -> !line.startsWith("POST /oauth/token")).toList();
    }

    private static List<String> previewRequests(JsonNode event) {
        return lines(event.get("requests"));
    }

    private static List<String> lines(JsonNode calls) {
        List<String> lines = new ArrayList<>();
        calls.forEach(call -> {
            String url = URI.create(call.get("url").asText()).getRawPath();
            String query = URI.create(call.get("url").asText()).getRawQuery();
            lines.add(call.get("method").asText() + " " + url + (query == null ? "" : "?" + query) + " " + call.get("status").asInt()
                    + " " + call.get("sent").asBoolean());
        });
        return lines;
    }
}
