package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Segment call type and track kind through the real hub to a WireMock Wootric (US region, client credentials). */
class MappingIT extends SharedHubIT {

    private static final Duration WAIT = Duration.ofSeconds(20);


    @BeforeAll
    static void start() throws Exception {
        // a short grace for unknown users, so that the test of its end fits the wait
        startHub("mapping", Map.of("WOOTRIC_TRACK_SURVEY_TRIGGER_EVENTS", "Checkout Completed, Onboarding Done",
                "WOOTRIC_UNKNOWN_USER_GRACE", "10s"));
    }

    /** An end user Wootric already has, found by external id, that accepts updates, responses, declines, settings. */
    private static void knownUser(String userId, int id, String properties) {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/" + userId + "?lookup_by_external_id=true")).willReturn(okJson(
                "{\"id\":" + id + ",\"external_id\":\"" + userId + "\",\"email\":\"" + userId + "@example.com\",\"properties\":" + properties + "}")));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/" + id)).willReturn(okJson(
                "{\"id\":" + id + ",\"external_id\":\"" + userId + "\",\"properties\":" + properties + "}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/" + id)).willReturn(okJson("{\"id\":" + id + "}")));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/" + id + "/settings")).willReturn(okJson("{\"id\":" + id + "}")));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users/" + id + "/responses")).willReturn(okJson("{\"id\":1}").withStatus(201)));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users/" + id + "/declines")).willReturn(okJson("{\"id\":1}").withStatus(201)));
    }

    private static void unknownUser(String userId) {
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/" + userId + "?lookup_by_external_id=true")).willReturn(aResponse().withStatus(404)));
    }

    private static LoggedRequest awaitOne(String method, String path) {
        return await().atMost(WAIT).until(() -> wootric.requests(method, path), r -> !r.isEmpty()).get(0);
    }

    private static void send(String path, String json) throws Exception {
        assertThat(ingress.post(path, "test-key", json).statusCode()).isEqualTo(200);
    }

    private static List<LoggedRequest> requestsFor(int id) {
        return wootric.server.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().startsWith("/v1/end_users/" + id)).toList();
    }

    @Test
    void surveyRespondedBecomesAResponse() throws Exception {
        knownUser("resp-1", 11, "{}");
        send("/v1/track", """
                {"userId":"resp-1","event":"Survey Responded","timestamp":"2024-05-01T10:00:00Z","sentAt":"2024-05-01T10:00:00Z",
                 "properties":{"score":"8","text":"Nice"},"context":{"ip":"198.51.100.7","page":{"url":"https://app.example.com/x"},
                 "traits":{"plan":"pro"}}}""");
        Map<String, String> form = WootricFake.form(awaitOne("POST", "/v1/end_users/11/responses"));
        assertThat(form).containsEntry("score", "8").containsEntry("text", "Nice").containsEntry("ip_address", "198.51.100.7")
                .containsEntry("origin_url", "https://app.example.com/x").containsEntry("end_user[properties][plan]", "pro")
                .containsKey("created_at");
    }

    @Test
    void aScoreOf12IsDeadLetteredAsInvalidScore() throws Exception {
        knownUser("resp-12", 12, "{}");
        send("/v1/track", """
                {"userId":"resp-12","messageId":"msg-score-12","event":"Survey Responded","properties":{"score":12}}""");
        TextMessage dead = queues.await("wootric.dlq", t -> t.contains("msg-score-12"), WAIT);
        assertThat(dead.getStringProperty("hubReason")).isEqualTo("invalid_score");
        assertThat(wootric.requests("POST", "/v1/end_users/12/responses")).isEmpty();
    }

    @Test
    void aDeclineWithoutTraitsIsADecline() throws Exception {
        knownUser("decl-1", 13, "{}");
        send("/v1/track", """
                {"userId":"decl-1","event":"Survey Declined","properties":{"url":"https://app.example.com/d"}}""");
        Map<String, String> form = WootricFake.form(awaitOne("POST", "/v1/end_users/13/declines"));
        assertThat(form).containsEntry("origin_url", "https://app.example.com/d").containsKey("created_at");
        assertThat(form.keySet()).noneMatch(k -> k.startsWith("end_user["));
    }

    @Test
    void theEventTypeConventionMakesAnyTrackAResponse() throws Exception {
        knownUser("resp-conv", 14, "{}");
        send("/v1/track", """
                {"userId":"resp-conv","event":"NPS Given","properties":{"feedbackScore":10,"feedbackText":"Top"},
                 "integrations":{"InMoment":{"eventType":"Create Response"}}}""");
        assertThat(WootricFake.form(awaitOne("POST", "/v1/end_users/14/responses"))).containsEntry("score", "10").containsEntry("text", "Top");
    }

    @Test
    void surveyTriggerEventsForceASurveyByDevice() throws Exception {
        knownUser("trig-web", 15, "{}");
        knownUser("trig-ios", 16, "{}");
        send("/v1/track", "{\"userId\":\"trig-web\",\"event\":\"Checkout Completed\"}");
        send("/v1/track", "{\"userId\":\"trig-ios\",\"event\":\"Onboarding Done\",\"context\":{\"os\":{\"name\":\"iOS\"}}}");
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/15/settings"))).containsExactlyEntriesOf(Map.of("force_web_survey", "true"));
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/16/settings"))).containsExactlyEntriesOf(Map.of("force_mobile_survey", "true"));
    }

    @Test
    void otherEventsAreRecordedForTargetedSampling() throws Exception {
        knownUser("other-1", 17, "{\"team\":\"blue\"}");
        send("/v1/track", "{\"userId\":\"other-1\",\"event\":\"Report Exported\",\"properties\":{\"language\":\"de\"}}");
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/17"))).containsEntry("properties[custom_event_name]", "Report Exported")
                .containsEntry("properties[language]", "de").containsEntry("properties[team]", "blue");
    }

    @Test
    void aResponseAheadOfItsIdentifyWaitsAndIsDeliveredAfterTheCreate() throws Exception {
        // Wootric knows early-1 only once the identify has created it
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/early-1?lookup_by_external_id=true")).inScenario("early-1")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(404)));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/early%40example.com?lookup_by_email=true")).inScenario("early-1")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(404)));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).withRequestBody(containing("external_id=early-1")).inScenario("early-1")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("created")
                .willReturn(okJson("{\"id\":31,\"external_id\":\"early-1\",\"email\":\"early@example.com\"}").withStatus(201)));
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/early-1?lookup_by_external_id=true")).inScenario("early-1")
                .whenScenarioStateIs("created").willReturn(okJson("{\"id\":31,\"external_id\":\"early-1\",\"properties\":{}}")));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users/31/responses")).willReturn(okJson("{\"id\":1}").withStatus(201)));

        send("/v1/track", """
                {"userId":"early-1","messageId":"msg-early-response","event":"Survey Responded","properties":{"score":9}}""");
        Thread.sleep(2000); // the identify that creates the user arrives 2 s later
        send("/v1/identify", """
                {"userId":"early-1","messageId":"msg-early-identify","traits":{"email":"early@example.com"}}""");

        LoggedRequest response = awaitOne("POST", "/v1/end_users/31/responses");
        LoggedRequest create = awaitOne("POST", "/v1/end_users");
        assertThat(response.getLoggedDate()).isAfterOrEqualTo(create.getLoggedDate());
        assertThat(WootricFake.form(response)).containsEntry("score", "9");
        assertThat(queues.count("wootric.dlq", t -> t.contains("msg-early"))).isZero();
    }

    @Test
    void trackForAnUnknownUserWithoutEmailIsDeadLetteredAsEndUserNotFoundAfterTheGrace() throws Exception {
        unknownUser("ghost-1");
        send("/v1/track", "{\"userId\":\"ghost-1\",\"messageId\":\"msg-ghost-1\",\"event\":\"Survey Responded\",\"properties\":{\"score\":5}}");
        TextMessage dead = queues.await("wootric.dlq", t -> t.contains("msg-ghost-1"), WAIT);
        assertThat(dead.getStringProperty("hubReason")).isEqualTo("end_user_not_found");
    }

    @Test
    void trackForAnUnknownUserWithAnEmailCreatesItFirst() throws Exception {
        unknownUser("fresh-1");
        wootric.server.stubFor(get(urlEqualTo("/v1/end_users/fresh-1@example.com?lookup_by_email=true")).willReturn(aResponse().withStatus(404)));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).willReturn(okJson("{\"id\":18}").withStatus(201)));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users/18/responses")).willReturn(okJson("{\"id\":1}").withStatus(201)));
        send("/v1/track", """
                {"userId":"fresh-1","event":"Survey Responded","properties":{"score":3},"context":{"traits":{"email":"fresh-1@example.com"}}}""");
        awaitOne("POST", "/v1/end_users/18/responses");
        assertThat(wootric.requests("POST", "/v1/end_users").stream().filter(r -> r.getUrl().equals("/v1/end_users")).map(WootricFake::form))
                .anySatisfy(f -> assertThat(f).containsEntry("email", "fresh-1@example.com").containsEntry("external_id", "fresh-1"));
    }

    @Test
    void pagesAndScreensAreRecordedOnTheEndUser() throws Exception {
        knownUser("page-1", 19, "{}");
        knownUser("screen-1", 20, "{}");
        send("/v1/page", """
                {"userId":"page-1","name":"Pricing","context":{"page":{"path":"/pricing","url":"https://example.com/pricing"}}}""");
        send("/v1/screen", "{\"userId\":\"screen-1\",\"name\":\"Settings\"}");
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/19"))).containsEntry("properties[page_name]", "Pricing")
                .containsEntry("properties[page_path]", "/pricing").containsEntry("properties[page_url]", "https://example.com/pricing");
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/20"))).containsEntry("properties[screen_name]", "Settings");
    }

    @Test
    void aPageOfAnAnonymousUserIsSkippedAndCounted() throws Exception {
        double before = Metrics.value(hub, "hub_events_total", "type", "page", "outcome", "skipped", "reason", "anonymous");
        int requestsBefore = wootric.server.getAllServeEvents().size();
        send("/v1/page", "{\"anonymousId\":\"anon-77\",\"name\":\"Home\"}");
        await().atMost(WAIT).until(() -> Metrics.value(hub, "hub_events_total", "type", "page", "outcome", "skipped", "reason", "anonymous") > before);
        assertThat(wootric.server.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().contains("anon-77"))).isEmpty();
        assertThat(wootric.server.getAllServeEvents().size()).isGreaterThanOrEqualTo(requestsBefore);
    }

    @Test
    void groupSetsGroupProperties() throws Exception {
        knownUser("grp-1", 21, "{\"plan\":\"pro\"}");
        send("/v1/group", "{\"userId\":\"grp-1\",\"groupId\":\"acme\",\"traits\":{\"name\":\"Acme\",\"employees\":120}}");
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/21"))).containsEntry("properties[group_id]", "acme")
                .containsEntry("properties[group_name]", "Acme").containsEntry("properties[group_employees]", "120")
                .containsEntry("properties[plan]", "pro");
    }

    @Test
    void aliasMovesTheExternalIdWhenSafe() throws Exception {
        knownUser("old-1", 22, "{}");
        unknownUser("new-alias-1");
        send("/v1/alias", "{\"previousId\":\"old-1\",\"userId\":\"new-alias-1\"}");
        assertThat(WootricFake.form(awaitOne("PUT", "/v1/end_users/22"))).containsExactlyEntriesOf(Map.of("external_id", "new-alias-1"));
    }

    @Test
    void integrationsWootricFalseSendsNothing() throws Exception {
        double before = Metrics.value(hub, "hub_events_total", "outcome", "skipped", "reason", "integrations_disabled");
        send("/v1/identify", "{\"userId\":\"off-1\",\"traits\":{\"email\":\"off-1@example.com\"},\"integrations\":{\"Wootric\":false}}");
        send("/v1/track", "{\"userId\":\"off-1\",\"event\":\"X\",\"integrations\":{\"All\":false}}");
        await().atMost(WAIT).until(() -> Metrics.value(hub, "hub_events_total", "outcome", "skipped", "reason", "integrations_disabled") >= before + 2);
        assertThat(wootric.server.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().contains("off-1"))).isEmpty();
    }

    @Test
    void aKnownUsersSecondIdentifyCostsExactlyOneCall() throws Exception {
        knownUser("once-1", 23, "{\"team\":\"red\"}");
        send("/v1/identify", "{\"userId\":\"once-1\",\"traits\":{\"n\":\"1\"}}");
        awaitOne("PUT", "/v1/end_users/23");
        int afterFirst = wootric.server.getAllServeEvents().size();

        send("/v1/identify", "{\"userId\":\"once-1\",\"traits\":{\"n\":\"2\"}}");
        await().atMost(WAIT).until(() -> wootric.requests("PUT", "/v1/end_users/23").size() == 2);
        Thread.sleep(500);
        assertThat(wootric.server.getAllServeEvents().size() - afterFirst).as("Wootric calls for the second identify").isEqualTo(1);
        Map<String, String> second = WootricFake.form(wootric.requests("PUT", "/v1/end_users/23").get(1));
        assertThat(second).containsEntry("properties[n]", "2").containsEntry("properties[team]", "red");
    }
}
