package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.wootrichub.it.HubDefaults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.wootric.TokenSource;
import org.wootrichub.wootric.WootricClient;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricEndpoints;
import org.wootrichub.mapping.AliasTransformer;
import org.wootrichub.mapping.IdentifyTransformer;
import org.wootrichub.mapping.MappingSettings;
import org.wootrichub.mapping.TrackTransformer;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.EndUser;
import org.wootrichub.wootric.PermanentFailure;

/**
 * wootric-mapping.md, "API calls per event" and "Resolving the end user": the executor with a real cache against
 * {@link InMemoryWootric}, counting the requests each event costs.
 */
class PlanExecutorTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration FRESHNESS = Duration.ofMinutes(5);

    private final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final HubMetrics metrics = HubMetrics.inMemory();
    private InMemoryWootric wootric;
    private EndUserCache cache;
    private PlanExecutor executor;

    @BeforeEach
    void setUp() {
        wootric = new InMemoryWootric();
        WootricEndpoints endpoints = InMemoryWootric.endpoints();
        WootricClient client = new WootricClient(wootric, new TokenSource(wootric, endpoints,
                new WootricCredentials("NPS-test", "id", "secret", null, null), clock), endpoints, metrics);
        cache = new EndUserCache(100, TTL, FRESHNESS, clock);
        executor = new PlanExecutor(client, cache, metrics);
        wootric.add(SegmentJson.parse("""
                {"id": "7", "email": "bo@example.com", "external_id": "u2", "properties": {"plan": "free"}}"""));
    }

    // ---------------------------------------------------------------- helpers

    private void identify(String traitsJson) {
        executor.execute(new IdentifyTransformer(metrics).plan(SegmentJson.parse(
                "{\"type\":\"identify\",\"userId\":\"u2\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"traits\":" + traitsJson + "}")));
    }

    private void response(int score) {
        executor.execute(new TrackTransformer(HubDefaults.mapping()).plan(SegmentJson.parse(
                "{\"type\":\"track\",\"userId\":\"u2\",\"event\":\"Survey Responded\",\"timestamp\":\"2024-05-01T10:00:00Z\","
                        + "\"properties\":{\"score\":" + score + "}}")));
    }

    /** The requests made since the last call, then forgets them. */
    private List<InMemoryWootric.Recorded> newRequests() {
        List<InMemoryWootric.Recorded> made = new ArrayList<>(wootric.requests());
        wootric.requests().clear();
        return made;
    }

    private static InMemoryWootric.Recorded request(String method, String path, String... form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < form.length; i += 2) {
            fields.put(form[i], form[i + 1]);
        }
        return new InMemoryWootric.Recorded(method, path, fields);
    }

    private static final InMemoryWootric.Recorded LOOKUP_U2 = request("GET", "/v1/end_users/u2?lookup_by_external_id=true");

    private double delivered() {
        return metrics.count("hub.events", "outcome", "delivered");
    }

    // ---------------------------------------------------------------- identify

    @Test
    void aKnownUsersFirstIdentifyCostsALookupAndAPut() {
        identify("{\"plan\":\"pro\"}");

        assertThat(newRequests()).containsExactly(LOOKUP_U2,
                request("PUT", "/v1/end_users/7", "properties[plan]", "pro"));
        assertThat(cache.get("u2")).extracting(EndUser::id).isEqualTo("7");
    }

    @Test
    void aKnownUsersSecondIdentifyCostsExactlyOnePut() {
        identify("{\"plan\":\"pro\"}");
        newRequests();

        identify("{\"seats\":5}");

        // the remembered properties are fresh: merged without reading them again
        assertThat(newRequests()).containsExactly(
                request("PUT", "/v1/end_users/7", "properties[plan]", "pro", "properties[seats]", "5"));
        assertThat(delivered()).isEqualTo(2);
    }

    @Test
    void afterPropertiesFreshnessExpiresAnIdentifyReadsTheCurrentSetThenPuts() {
        identify("{\"plan\":\"pro\"}");
        newRequests();
        // another source changes the end user behind the hub's back
        ((ObjectNode) wootric.get("7").get("properties")).put("segment", "promoter");
        clock.advance(FRESHNESS.plusSeconds(1));

        identify("{\"seats\":5}");

        assertThat(newRequests()).as("the id is still remembered: a GET by id, not a lookup").containsExactly(
                request("GET", "/v1/end_users/7"),
                request("PUT", "/v1/end_users/7", "properties[plan]", "pro", "properties[segment]", "promoter",
                        "properties[seats]", "5"));
    }

    @Test
    void afterFreshnessExpiresAnIdentifyWithoutPropertiesNeedsNoRead() {
        identify("{\"plan\":\"pro\"}");
        newRequests();
        clock.advance(FRESHNESS.plusSeconds(1));

        identify("{\"email\":\"bo.new@example.com\"}");

        assertThat(newRequests()).containsExactly(request("PUT", "/v1/end_users/7", "email", "bo.new@example.com"));
    }

    @Test
    void afterTheTtlTheEndUserIsLookedUpAgain() {
        identify("{\"plan\":\"pro\"}");
        newRequests();
        clock.advance(TTL.plusSeconds(1));

        identify("{\"seats\":5}");

        assertThat(newRequests()).containsExactly(LOOKUP_U2,
                request("PUT", "/v1/end_users/7", "properties[plan]", "pro", "properties[seats]", "5"));
    }

    @Test
    void aStaleCachedIdIsDroppedAndTheEndUserResolvedAgain() {
        identify("{\"plan\":\"pro\"}");
        newRequests();
        // Wootric lost end user 7; the same user now lives under id 8
        wootric.remove("7");
        wootric.add(SegmentJson.parse("""
                {"id": "8", "email": "bo@example.com", "external_id": "u2", "properties": {"plan": "team"}}"""));

        identify("{\"seats\":5}");

        assertThat(newRequests()).containsExactly(
                request("PUT", "/v1/end_users/7", "properties[plan]", "pro", "properties[seats]", "5"),
                LOOKUP_U2,
                request("PUT", "/v1/end_users/8", "properties[plan]", "team", "properties[seats]", "5"));
        assertThat(cache.get("u2")).extracting(EndUser::id).isEqualTo("8");
        assertThat(delivered()).isEqualTo(2);

        identify("{\"seats\":6}");
        assertThat(newRequests()).as("the new id is remembered").containsExactly(
                request("PUT", "/v1/end_users/8", "properties[plan]", "team", "properties[seats]", "6"));
    }

    @Test
    void aStaleCachedIdOfAUserNobodyHoldsAnyMoreIsADeadLetterAndForgotten() {
        identify("{\"plan\":\"pro\"}");
        newRequests();
        wootric.remove("7");

        assertThatThrownBy(() -> identify("{\"seats\":5}")).isInstanceOf(PermanentFailure.class)
                .extracting(e -> ((PermanentFailure) e).reason()).isEqualTo("end_user_not_found");

        assertThat(newRequests()).containsExactly(
                request("PUT", "/v1/end_users/7", "properties[plan]", "pro", "properties[seats]", "5"),
                LOOKUP_U2);
        assertThat(cache.get("u2")).isNull();
    }

    @Test
    void aStaleCachedIdWithAnEmailIsCreatedAgain() {
        identify("{\"plan\":\"pro\"}");
        newRequests();
        wootric.remove("7");

        identify("{\"email\":\"bo@example.com\",\"seats\":5}");

        assertThat(newRequests()).containsExactly(
                request("PUT", "/v1/end_users/7", "email", "bo@example.com", "properties[plan]", "pro", "properties[seats]", "5"),
                LOOKUP_U2,
                request("GET", "/v1/end_users/bo@example.com?lookup_by_email=true"),
                request("POST", "/v1/end_users", "email", "bo@example.com", "external_id", "u2", "properties[seats]", "5"));
        assertThat(cache.get("u2")).extracting(EndUser::id).isEqualTo("1000");
    }

    // ---------------------------------------------------------------- track

    @Test
    void aKnownUsersSecondResponseCostsOneRequest() {
        response(9);
        assertThat(newRequests()).containsExactly(LOOKUP_U2,
                request("POST", "/v1/end_users/7/responses", "score", "9", "origin_url", "", "created_at", "1714557600", "end_user[properties][plan]", "free"));

        response(10);
        assertThat(newRequests()).containsExactly(
                request("POST", "/v1/end_users/7/responses", "score", "10", "origin_url", "", "created_at", "1714557600", "end_user[properties][plan]", "free"));
        assertThat(delivered()).isEqualTo(2);
    }

    @Test
    void anIdentifyAfterAResponseUsesTheRememberedId() {
        response(9);
        newRequests();

        identify("{\"plan\":\"pro\"}");

        assertThat(newRequests()).containsExactly(request("PUT", "/v1/end_users/7", "properties[plan]", "pro"));
    }

    @Test
    void aStaleCachedIdOnAResponseIsDroppedAndResolvedAgain() {
        response(9);
        newRequests();
        wootric.remove("7");
        wootric.add(SegmentJson.parse("""
                {"id": "8", "email": "bo@example.com", "external_id": "u2"}"""));

        response(10);

        assertThat(newRequests()).containsExactly(
                request("POST", "/v1/end_users/7/responses", "score", "10", "origin_url", "", "created_at", "1714557600", "end_user[properties][plan]", "free"),
                LOOKUP_U2,
                request("POST", "/v1/end_users/8/responses", "score", "10", "origin_url", "", "created_at", "1714557600"));
    }

    // ---------------------------------------------------------------- skips and aliases

    @Test
    void aSkipPlanMakesNoRequestAndIsCounted() {
        executor.execute(new WootricPlan.Skip("page", "page_mode_ignore"));

        assertThat(newRequests()).isEmpty();
        assertThat(metrics.count("hub.events", "outcome", "skipped", "reason", "page_mode_ignore")).isEqualTo(1);
    }

    @Test
    void afterAnAliasTheNewUserIdIsRemembered() {
        wootric.add(SegmentJson.parse("""
                {"id": "9", "email": "cy@example.com", "external_id": "anon-1", "properties": {}}"""));
        executor.execute(new AliasTransformer().plan(SegmentJson.parse("""
                {"type": "alias", "userId": "u9", "previousId": "anon-1"}""")));
        assertThat(newRequests()).containsExactly(
                request("GET", "/v1/end_users/anon-1?lookup_by_external_id=true"),
                request("GET", "/v1/end_users/u9?lookup_by_external_id=true"),
                request("PUT", "/v1/end_users/9", "external_id", "u9"));

        assertThat(cache.get("u9")).extracting(EndUser::id).isEqualTo("9");
        assertThat(cache.get("anon-1")).isNull();
    }
}
