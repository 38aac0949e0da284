package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.TextMessage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wootrichub.wootric.PermanentFailure;

/** identify through the real hub process (embedded broker) to a WireMock Wootric: the foundation's promises. */
class IdentifyDeliveryIT extends SharedHubIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WEBHOOK_SECRET = "webhook-shared-secret";


    @BeforeAll
    static void start() throws Exception {
        startHub("identify-delivery", Map.of("HUB_WEBHOOK_SECRET", WEBHOOK_SECRET));
    }

    @AfterAll
    static void logsHoldNoSecrets() throws Exception {
        stopHub();
        if (hub != null) {
            assertThat(hub.logText()).doesNotContain("client-secret-value").doesNotContain("test-key").doesNotContain(WEBHOOK_SECRET);
        }
    }

    private static void unknownUser(String userId, String email) {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/" + userId + "?lookup_by_external_id=true")).willReturn(aResponse().withStatus(404)));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/" + email.replace("+", "%2B") + "?lookup_by_email=true")).willReturn(aResponse().withStatus(404)));
    }

    private static List<LoggedRequest> awaitRequests(String method, String prefix, int count) {
        return await().atMost(WAIT).until(() -> wootric.requests(method, prefix), r -> r.size() >= count);
    }

    @Test
    void newUserIsLookedUpThenCreatedWithEveryField() throws Exception {
        unknownUser("new-1", "new+1@example.com");
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).withRequestBody(containing("external_id=new-1"))
                .willReturn(okJson("{\"id\":101,\"email\":\"new+1@example.com\",\"external_id\":\"new-1\"}").withStatus(201)));

        HttpResponse<String> reply = ingress.post("/v1/identify", "test-key", """
                {"userId":"new-1","traits":{"email":"new+1@example.com","createdAt":"2015-01-01","phone":5551234,
                 "plan":"pro","seats":3,"address":{"city":"Paris"},"tags":["a","b"],"trialEnds":"2015-01-01T00:00:00Z",
                 "language":"fr"}}""");
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(reply.body()).get("success").asBoolean()).isTrue();

        LoggedRequest create = awaitRequests("POST", "/v1/end_users", 1).stream()
                .filter(r -> r.getBodyAsString().contains("new-1")).findFirst().orElseThrow();
        assertThat(create.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(create.getHeader("Authorization")).startsWith("Bearer tok-");
        Map<String, String> form = WootricFake.form(create);
        assertThat(form).containsEntry("email", "new+1@example.com")
                .containsEntry("external_id", "new-1")
                .containsEntry("external_created_at", "1420070400")
                .containsEntry("phone_number", "5551234")
                .containsEntry("properties[plan]", "pro")
                .containsEntry("properties[seats]", "3")
                .containsEntry("properties[address_city]", "Paris")
                .containsEntry("properties[tags]", "a,b")
                .containsEntry("properties[trialEnds_date]", "1420070400")
                .containsEntry("properties[language]", "fr")
                .doesNotContainKey("last_surveyed");
        // resolved by external id, then by email, before creating
        assertThat(wootric.requests("GET", "/v1/end_users/new-1?lookup_by_external_id=true")).hasSize(1);
        assertThat(wootric.requests("GET", "/v1/end_users/new%2B1@example.com?lookup_by_email=true")).hasSize(1);

        LoggedRequest token = wootric.requests("POST", "/oauth/token").get(0);
        assertThat(WootricFake.form(token)).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", "client-id").containsEntry("client_secret", "client-secret-value");
    }

    @Test
    void knownUserIsUpdatedWithTheMergedPropertySet() throws Exception {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/known-1?lookup_by_external_id=true")).willReturn(okJson(
                "{\"id\":202,\"email\":\"known@example.com\",\"external_id\":\"known-1\",\"properties\":{\"plan\":\"free\",\"team\":\"blue\"}}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/202")).willReturn(okJson("{\"id\":202}")));

        assertThat(ingress.post("/v1/identify", "test-key", """
                {"userId":"known-1","traits":{"plan":"pro","seats":5}}""").statusCode()).isEqualTo(200);

        LoggedRequest update = awaitRequests("PUT", "/v1/end_users/202", 1).get(0);
        Map<String, String> form = WootricFake.form(update);
        assertThat(form).containsEntry("properties[plan]", "pro")
                .containsEntry("properties[team]", "blue")
                .containsEntry("properties[seats]", "5")
                .doesNotContainKey("email")
                .doesNotContainKey("external_id")
                .doesNotContainKey("last_surveyed");
        assertThat(wootric.requests("POST", "/v1/end_users")).noneMatch(r -> r.getBodyAsString().contains("known-1"));
    }

    @Test
    void emailAlreadyTakenRaceIsRecoveredByUpdatingTheExistingUser() throws Exception {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/race-1?lookup_by_external_id=true")).willReturn(aResponse().withStatus(404)));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/race@example.com?lookup_by_email=true")).inScenario("race")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(404)).willSetStateTo("taken"));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).withRequestBody(containing("external_id=race-1"))
                .willReturn(aResponse().withStatus(422).withBody("{\"errors\":[\"Email has already been taken\"]}")));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/race@example.com?lookup_by_email=true")).inScenario("race")
                .whenScenarioStateIs("taken").willReturn(okJson("{\"id\":303,\"email\":\"race@example.com\",\"properties\":{\"a\":\"1\"}}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/303")).willReturn(okJson("{\"id\":303}")));

        assertThat(ingress.post("/v1/identify", "test-key", """
                {"userId":"race-1","traits":{"email":"race@example.com","b":"2"}}""").statusCode()).isEqualTo(200);

        Map<String, String> form = WootricFake.form(awaitRequests("PUT", "/v1/end_users/303", 1).get(0));
        assertThat(form).containsEntry("external_id", "race-1").containsEntry("properties[a]", "1").containsEntry("properties[b]", "2");
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndTheCallRetried() throws Exception {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/renew-1?lookup_by_external_id=true")).inScenario("renew")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(401)).willSetStateTo("renewed"));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/renew-1?lookup_by_external_id=true")).inScenario("renew")
                .whenScenarioStateIs("renewed").willReturn(okJson("{\"id\":404,\"external_id\":\"renew-1\",\"properties\":{}}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/404")).willReturn(okJson("{\"id\":404}")));
        int tokensBefore = wootric.requests("POST", "/oauth/token").size();

        assertThat(ingress.post("/v1/identify", "test-key", """
                {"userId":"renew-1","traits":{"plan":"x"}}""").statusCode()).isEqualTo(200);

        awaitRequests("PUT", "/v1/end_users/404", 1);
        List<LoggedRequest> lookups = wootric.requests("GET", "/v1/end_users/renew-1");
        assertThat(lookups).hasSize(2);
        assertThat(lookups.get(1).getHeader("Authorization")).isNotEqualTo(lookups.get(0).getHeader("Authorization"));
        assertThat(wootric.requests("POST", "/oauth/token")).hasSize(tokensBefore + 1);
    }

    @Test
    void aServerErrorIsRetriedAndTheUserCreatedOnce() throws Exception {
        unknownUser("flaky-1", "flaky@example.com");
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).withRequestBody(containing("external_id=flaky-1")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).withRequestBody(containing("external_id=flaky-1")).inScenario("flaky")
                .whenScenarioStateIs("up").willReturn(okJson("{\"id\":505,\"external_id\":\"flaky-1\"}").withStatus(201)));

        assertThat(ingress.post("/v1/identify", "test-key", """
                {"userId":"flaky-1","traits":{"email":"flaky@example.com"}}""").statusCode()).isEqualTo(200);

        await().atMost(WAIT).until(() -> wootric.requests("POST", "/v1/end_users").stream()
                .filter(r -> r.getBodyAsString().contains("flaky-1")).count() >= 2);
        Thread.sleep(1500); // nothing more may follow the success
        assertThat(wootric.requests("POST", "/v1/end_users").stream().filter(r -> r.getBodyAsString().contains("flaky-1"))).hasSize(2);
        assertThat(queues.count("wootric.dlq", t -> t.contains("flaky-1"))).isZero();
    }

    @Test
    void aRejectedCallIsDeadLetteredWithTheOriginalEventAndTheErrorHeaders() throws Exception {
        unknownUser("bad-1", "bad@example.com");
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).withRequestBody(containing("external_id=bad-1"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"phone_number is invalid\"}")));

        String event = """
                {"userId":"bad-1","messageId":"msg-bad-1","traits":{"email":"bad@example.com","phone":"nope"}}""";
        assertThat(ingress.post("/v1/identify", "test-key", event).statusCode()).isEqualTo(200);

        TextMessage dead = queues.await("wootric.dlq", t -> t.contains("msg-bad-1"), WAIT);
        JsonNode body = JSON.readTree(dead.getText());
        assertThat(body.get("userId").asText()).isEqualTo("bad-1");
        assertThat(body.get("traits")).isEqualTo(JSON.readTree(event).get("traits"));
        assertThat(body.get("type").asText()).isEqualTo("identify");
        assertThat(dead.getStringProperty("hubReason")).isEqualTo("wootric_rejected");
        assertThat(dead.getIntProperty("hubHttpStatus")).isEqualTo(400);
        assertThat(dead.getStringProperty("hubResponseBody")).contains("phone_number is invalid");
        assertThat(dead.getStringProperty("hubWootricOperation")).isEqualTo("POST /v1/end_users");
        assertThat(dead.getStringProperty("hubExceptionClass")).endsWith("PermanentFailure");
        assertThat(dead.getIntProperty("hubAttempts")).isEqualTo(1);
        assertThat(dead.getStringProperty("hubFirstFailureAt")).isNotBlank();
        assertThat(dead.getStringProperty("hubLastFailureAt")).isNotBlank();
        assertThat(dead.getStringProperty("hubVersion")).isNotBlank();
        assertThat(wootric.requests("POST", "/v1/end_users").stream().filter(r -> r.getBodyAsString().contains("bad-1"))).hasSize(1);
    }

    @Test
    void aWrongWriteKeyIsRefusedWith401AndJson() throws Exception {
        HttpResponse<String> reply = ingress.post("/v1/identify", "wrong-key", "{\"userId\":\"x\"}");
        assertThat(reply.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(reply.body()).get("code").asText()).isEqualTo("unauthorized");
        HttpResponse<String> none = ingress.post("/v1/identify", null, "{\"userId\":\"x\"}");
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> bodyKey = ingress.post("/v1/identify", null, "{\"userId\":\"bodykey-1\",\"writeKey\":\"test-key\",\"traits\":{}}");
        assertThat(bodyKey.statusCode()).isEqualTo(200);
    }

    @Test
    void badJsonIsRefusedWith400AndJson() throws Exception {
        HttpResponse<String> reply = ingress.post("/v1/identify", "test-key", "{\"userId\": ");
        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(reply.body()).get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void oversizeBodiesAreRefusedWith413() throws Exception {
        String big = "{\"batch\":[{\"type\":\"identify\",\"userId\":\"big\",\"traits\":{\"x\":\"" + "a".repeat(600 * 1024) + "\"}}]}";
        HttpResponse<String> reply = ingress.post("/v1/batch", "test-key", big);
        assertThat(reply.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(reply.body()).get("code").asText()).isEqualTo("request_too_large");

        HttpResponse<String> bomb = ingress.postGzip("/v1/batch", "test-key", new byte[20 * 1024 * 1024]);
        assertThat(bomb.statusCode()).isEqualTo(413);

        String bigEvent = "{\"userId\":\"big-event\",\"traits\":{\"x\":\"" + "a".repeat(40 * 1024) + "\"}}";
        HttpResponse<String> single = ingress.post("/v1/identify", "test-key", bigEvent);
        assertThat(single.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(single.body()).get("code").asText()).isEqualTo("event_too_large");
    }

    @Test
    void gzipBatchesAreAcceptedAndInvalidEventsListed() throws Exception {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/gz-1?lookup_by_external_id=true")).willReturn(okJson(
                "{\"id\":606,\"external_id\":\"gz-1\",\"properties\":{}}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/606")).willReturn(okJson("{\"id\":606}")));
        String batch = """
                {"batch":[{"type":"identify","userId":"gz-1","traits":{"plan":"gz"}},
                          {"type":"identify","traits":{"plan":"no user"},"messageId":"msg-nouser"}],
                 "context":{"library":{"name":"test"}}}""";
        HttpResponse<String> reply = ingress.postGzip("/v1/import/", "test-key", batch.getBytes(StandardCharsets.UTF_8));
        assertThat(reply.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(reply.body());
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        assertThat(body.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(body.get("rejected").get(0).get("reason").asText()).isEqualTo("missing_user_id");

        assertThat(WootricFake.form(awaitRequests("PUT", "/v1/end_users/606", 1).get(0))).containsEntry("properties[plan]", "gz");
        TextMessage rejected = queues.await("segment.rejected", t -> t.contains("msg-nouser"), WAIT);
        assertThat(rejected.getStringProperty("hubReason")).isEqualTo("missing_user_id");
    }

    @Test
    void healthAndMetricsAreServedOnTheManagementPort() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var health = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.managementUrl() + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        var metrics = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.managementUrl() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("hub_ingress_events_total");
    }

    private static void knownUser(String userId, int id) {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/" + userId + "?lookup_by_external_id=true")).willReturn(okJson(
                "{\"id\":" + id + ",\"external_id\":\"" + userId + "\",\"properties\":{}}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/" + id)).willReturn(okJson("{\"id\":" + id + "}")));
    }

    @Test
    void aMessageIdSentTwiceIsDeliveredOnce() throws Exception {
        knownUser("dup-1", 707);
        String event = "{\"userId\":\"dup-1\",\"messageId\":\"msg-dup-1\",\"traits\":{\"n\":1}}";
        assertThat(ingress.post("/v1/identify", "test-key", event).statusCode()).isEqualTo(200);
        assertThat(ingress.post("/v1/identify", "test-key", event).statusCode()).isEqualTo(200);
        awaitRequests("PUT", "/v1/end_users/707", 1);
        Thread.sleep(1500); // a second delivery would have arrived by now
        assertThat(wootric.requests("PUT", "/v1/end_users/707")).hasSize(1);
    }

    @Test
    void analyticsJsShortFormsWithTextPlainBodiesAreAccepted() throws Exception {
        knownUser("short-1", 808);
        HttpResponse<String> reply = ingress.post("/v1/i", "test-key",
                "{\"userId\":\"short-1\",\"traits\":{\"via\":\"short\"}}".getBytes(StandardCharsets.UTF_8), "text/plain", null);
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(WootricFake.form(awaitRequests("PUT", "/v1/end_users/808", 1).get(0))).containsEntry("properties[via]", "short");

        HttpResponse<String> mismatch = ingress.post("/v1/i", "test-key", "{\"type\":\"track\",\"userId\":\"short-1\",\"event\":\"E\"}");
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(mismatch.body()).get("code").asText()).isEqualTo("type_mismatch");
    }

    @Test
    void signedWebhookArraysAreAcceptedAndUnsignedOnesRefused() throws Exception {
        knownUser("hook-1", 909);
        knownUser("hook-2", 910);
        knownUser("hook-3", 911);
        String first = "{\"type\":\"identify\",\"userId\":\"hook-1\",\"traits\":{\"src\":\"webhook\"}}";
        String body = "[" + first + ",{\"type\":\"identify\",\"userId\":\"hook-2\",\"traits\":{\"src\":\"webhook\"}}]";
        // Segment signs only the first element of an array
        String signature = hmacSha1Hex(WEBHOOK_SECRET, first);

        HttpResponse<String> unsigned = ingress.post("/v1/webhook", null, body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(postWithSignature(body, signature, null).statusCode())
                .as("a first-element signature alone could carry forged events appended to a captured request").isEqualTo(401);

        HttpResponse<String> signed = postWithSignature(body, signature, "test-key");
        assertThat(signed.statusCode()).as("with the write key as Segment's webhook settings can send it").isEqualTo(200);
        awaitRequests("PUT", "/v1/end_users/909", 1);
        awaitRequests("PUT", "/v1/end_users/910", 1);

        String whole = "[{\"type\":\"identify\",\"userId\":\"hook-3\",\"traits\":{\"src\":\"webhook\"}}]";
        assertThat(postWithSignature(whole, hmacSha1Hex(WEBHOOK_SECRET, whole), null).statusCode())
                .as("a signature over the whole body authenticates on its own").isEqualTo(200);
        awaitRequests("PUT", "/v1/end_users/911", 1);

        assertThat(postWithSignature(body, hmacSha1Hex("wrong-secret", first), "test-key").statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> postWithSignature(String body, String signature, String writeKey) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.ingressUrl() + "/v1/webhook"))
                .header("Content-Type", "application/json").header("X-Signature", signature);
        if (writeKey != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)));
        }
        return java.net.http.HttpClient.newHttpClient().send(request.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String hmacSha1Hex(String secret, String text) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
