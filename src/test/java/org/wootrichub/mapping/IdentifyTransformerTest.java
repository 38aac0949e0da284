package org.wootrichub.mapping;

import org.wootrichub.wootric.EndUser;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.event.SegmentJson;

/** wootric-mapping.md, "identify" and "Resolving the end user". */
class IdentifyTransformerTest {

    private final HubMetrics metrics = HubMetrics.inMemory();
    private final IdentifyTransformer transformer = new IdentifyTransformer(metrics);

    private WootricPlan.EndUserPlan plan(String eventJson) {
        return (WootricPlan.EndUserPlan) transformer.plan(SegmentJson.parse(eventJson));
    }

    private double unparseableWarnings() {
        return metrics.count("hub.mapping.warnings", "reason", "created_at_unparseable");
    }

    private static Map<String, String> form(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------- create form

    static Stream<Arguments> createForms() {
        return Stream.of(
                Arguments.of("full identify: fields, properties, excluded traits", """
                        {"type":"identify","userId":"u1","traits":{
                          "email":"ada@example.com","createdAt":"2015-01-01T08:00:00Z","phone":"+1 555 0100",
                          "name":"Ada","plan":"pro","language":"fr",
                          "id":"dup-id","userId":"dup-user","anonymousId":"dup-anon","created":"2014-01-01"}}""",
                        form("email", "ada@example.com", "external_id", "u1", "external_created_at", "1420099200",
                                "phone_number", "+1 555 0100",
                                "properties[name]", "Ada", "properties[plan]", "pro", "properties[language]", "fr")),
                Arguments.of("email from context.traits", """
                        {"type":"identify","userId":"u1","context":{"traits":{"email":"ctx@example.com"}}}""",
                        form("email", "ctx@example.com", "external_id", "u1")),
                Arguments.of("traits.email wins over context.traits.email", """
                        {"type":"identify","userId":"u1","traits":{"email":"own@example.com"},
                         "context":{"traits":{"email":"ctx@example.com"}}}""",
                        form("email", "own@example.com", "external_id", "u1")),
                Arguments.of("empty traits.email falls back to context.traits.email", """
                        {"type":"identify","userId":"u1","traits":{"email":""},
                         "context":{"traits":{"email":"ctx@example.com"}}}""",
                        form("email", "ctx@example.com", "external_id", "u1")),
                Arguments.of("context.traits properties overridden by traits", """
                        {"type":"identify","userId":"u1","traits":{"plan":"pro"},
                         "context":{"traits":{"plan":"free","region":"eu"}}}""",
                        form("external_id", "u1", "properties[plan]", "pro", "properties[region]", "eu")),
                Arguments.of("numeric phone sent as a string", """
                        {"type":"identify","userId":"u1","traits":{"phone":5550100}}""",
                        form("external_id", "u1", "phone_number", "5550100")),
                Arguments.of("createdAt as epoch milliseconds", """
                        {"type":"identify","userId":"u1","traits":{"createdAt":1420099200000}}""",
                        form("external_id", "u1", "external_created_at", "1420099200")),
                Arguments.of("createdAt as yyyyMMdd string", """
                        {"type":"identify","userId":"u1","traits":{"createdAt":"20150101"}}""",
                        form("external_id", "u1", "external_created_at", "1420070400")),
                Arguments.of("createdAt as decimal seconds, rounded to nearest", """
                        {"type":"identify","userId":"u1","traits":{"createdAt":1420099200.5}}""",
                        form("external_id", "u1", "external_created_at", "1420099201")),
                Arguments.of("createdAt as ISO date with offset", """
                        {"type":"identify","userId":"u1","traits":{"createdAt":"2015-01-01T10:00:00+02:00"}}""",
                        form("external_id", "u1", "external_created_at", "1420099200")),
                Arguments.of("anonymous identify: no external_id", """
                        {"type":"identify","anonymousId":"anon-1","traits":{"email":"a@b.co","plan":"trial"}}""",
                        form("email", "a@b.co", "properties[plan]", "trial")),
                Arguments.of("language kept as a property", """
                        {"type":"identify","userId":"u1","traits":{"language":"de"}}""",
                        form("external_id", "u1", "properties[language]", "de")),
                Arguments.of("property rules applied to traits", """
                        {"type":"identify","userId":"u1","traits":{
                          "address":{"city":"Paris","geo":{"lat":48.85}},"tags":["a","b"],"vip":true,"seats":3,
                          "mrr":99.5,"trialEnds":"2015-01-01","renewal_date":"2015-01-01T08:00:00Z","gone":null,
                          "a.b":"dot","$x":"dollar"}}""",
                        form("external_id", "u1",
                                "properties[address_city]", "Paris", "properties[address_geo_lat]", "48.85",
                                "properties[tags]", "a,b", "properties[vip]", "true", "properties[seats]", "3",
                                "properties[mrr]", "99.5", "properties[trialEnds_date]", "1420070400",
                                "properties[renewal_date]", "1420099200",
                                "properties[a_b]", "dot", "properties[_x]", "dollar")),
                Arguments.of("excluded names are excluded from context.traits too", """
                        {"type":"identify","userId":"u1","context":{"traits":{
                          "email":"c@b.co","id":"i","userId":"u","anonymousId":"a","title":"CTO"}}}""",
                        form("email", "c@b.co", "external_id", "u1", "properties[title]", "CTO")),
                Arguments.of("no traits at all", """
                        {"type":"identify","userId":"u1"}""",
                        form("external_id", "u1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("createForms")
    void createFormMatchesTheSpec(String description, String eventJson, Map<String, String> expectedForm) {
        WootricPlan.EndUserPlan plan = plan(eventJson);

        assertThat(plan.eventType()).isEqualTo("identify");
        assertThat(plan.profile().createForm()).isEqualTo(expectedForm);
    }

    @ParameterizedTest(name = "never a last_surveyed field: {0}")
    @MethodSource("createForms")
    void neverLastSurveyed(String description, String eventJson, Map<String, String> ignored) {
        WootricPlan.EndUserPlan plan = plan(eventJson);
        EndUser current = new EndUser("wid-1", null, null, Map.of());
        assertThat(plan.profile().createForm()).doesNotContainKeys("last_surveyed", "end_user[last_surveyed]");
        assertThat(plan.profile().updateForm(current)).doesNotContainKeys("last_surveyed", "end_user[last_surveyed]");
    }

    @Test
    @DisplayName("timestamp traits and event time never become last_surveyed")
    void eventTimeIsNotLastSurveyed() {
        WootricPlan.EndUserPlan plan = plan("""
                {"type":"identify","userId":"u1","timestamp":"2024-05-01T12:00:00Z",
                 "traits":{"lastSeen":"2024-05-01T12:00:00Z"}}""");
        assertThat(plan.profile().createForm()).containsOnly(
                entry("external_id", "u1"), entry("properties[lastSeen_date]", "1714564800"));
    }

    // ---------------------------------------------------------------- unparseable createdAt

    @ParameterizedTest(name = "createdAt {0}: no external_created_at, warning counted")
    @ValueSource(strings = {"\"soon\"", "true", "{}", "\"2015-13-45\"", "[1,2]", "99999999999999999999999999"})
    void unparseableCreatedAtIsLeftOutAndCounted(String createdAtJson) {
        double before = unparseableWarnings();
        WootricPlan.EndUserPlan plan = plan("""
                {"type":"identify","userId":"u1","traits":{"email":"a@b.co","createdAt":%s,"plan":"pro"}}"""
                .formatted(createdAtJson));

        assertThat(plan.profile().createForm()).isEqualTo(
                form("email", "a@b.co", "external_id", "u1", "properties[plan]", "pro"));
        assertThat(unparseableWarnings()).isEqualTo(before + 1);
    }

    @Test
    @DisplayName("a parseable or absent createdAt counts no warning")
    void noWarningWhenParseable() {
        plan("{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"createdAt\":\"2015-01-01\"}}");
        plan("{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}}");
        assertThat(unparseableWarnings()).isZero();
    }

    // ---------------------------------------------------------------- update form

    static Stream<Arguments> updateForms() {
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put("plan", "free");
        stored.put("source", "crm");
        return Stream.of(
                Arguments.of("merged property set; external_id when Wootric has none", """
                        {"type":"identify","userId":"u1","traits":{"email":"new@b.co","plan":"pro","seats":3}}""",
                        new EndUser("wid-1", "old@b.co", null, stored),
                        form("email", "new@b.co", "external_id", "u1",
                                "properties[plan]", "pro", "properties[source]", "crm", "properties[seats]", "3")),
                Arguments.of("external_id not sent when Wootric already has one", """
                        {"type":"identify","userId":"u1","traits":{"plan":"pro"}}""",
                        new EndUser("wid-1", "old@b.co", "legacy-7", stored),
                        form("properties[plan]", "pro", "properties[source]", "crm")),
                Arguments.of("external_id sent when Wootric's is blank", """
                        {"type":"identify","userId":"u1","traits":{"plan":"pro"}}""",
                        new EndUser("wid-1", null, "", Map.of()),
                        form("external_id", "u1", "properties[plan]", "pro")),
                Arguments.of("no email in the event: email not sent", """
                        {"type":"identify","userId":"u1","traits":{"plan":"pro"}}""",
                        new EndUser("wid-1", "old@b.co", "u1", Map.of()),
                        form("properties[plan]", "pro")),
                Arguments.of("empty email in the event: email not sent", """
                        {"type":"identify","userId":"u1","traits":{"email":"","plan":"pro"}}""",
                        new EndUser("wid-1", "old@b.co", "u1", Map.of()),
                        form("properties[plan]", "pro")),
                Arguments.of("null property removes only that property from the merged set", """
                        {"type":"identify","userId":"u1","traits":{"source":null}}""",
                        new EndUser("wid-1", null, "u1", stored),
                        form("properties[plan]", "free")),
                Arguments.of("fields and merged properties together", """
                        {"type":"identify","userId":"u1","traits":{"createdAt":"2015-01-01","phone":"+44 20","tier":"gold"}}""",
                        new EndUser("wid-1", "x@b.co", "u1", stored),
                        form("external_created_at", "1420070400", "phone_number", "+44 20",
                                "properties[plan]", "free", "properties[source]", "crm", "properties[tier]", "gold")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updateForms")
    void updateFormMatchesTheSpec(String description, String eventJson, EndUser current, Map<String, String> expected) {
        assertThat(plan(eventJson).profile().updateForm(current)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- end-user key

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("wootricEndUserId from context.externalIds", """
                        {"type":"identify","userId":"u1","traits":{"email":"a@b.co"},
                         "context":{"externalIds":[{"id":"wid-42","type":"wootricEndUserId","collection":"users","encoding":"none"}]}}""",
                        new EndUserKey("u1", "wid-42", "u1", "a@b.co")),
                Arguments.of("wootricEndUserId after other external ids", """
                        {"type":"identify","userId":"u1",
                         "context":{"externalIds":[{"id":"hs-1","type":"hubspotId","collection":"users","encoding":"none"},
                                                   {"id":"wid-43","type":"wootricEndUserId","collection":"users","encoding":"none"}]}}""",
                        new EndUserKey("u1", "wid-43", "u1", null)),
                Arguments.of("only other external ids", """
                        {"type":"identify","userId":"u1",
                         "context":{"externalIds":[{"id":"hs-1","type":"hubspotId","collection":"users","encoding":"none"}]}}""",
                        new EndUserKey("u1", null, "u1", null)),
                Arguments.of("no externalIds", """
                        {"type":"identify","userId":"u1","context":{"traits":{"email":"c@b.co"}}}""",
                        new EndUserKey("u1", null, "u1", "c@b.co")),
                Arguments.of("anonymous: user key is anonymousId, no external id", """
                        {"type":"identify","anonymousId":"anon-1","traits":{"email":"a@b.co"}}""",
                        new EndUserKey("anon-1", null, null, "a@b.co")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void endUserKey(String description, String eventJson, EndUserKey expected) {
        assertThat(plan(eventJson).key()).isEqualTo(expected);
    }

    @Test
    @DisplayName("EventFields.key is shared by every call type")
    void keyOfForTrack() {
        JsonNode track = SegmentJson.parse("""
                {"type":"track","userId":"u9","event":"E",
                 "context":{"externalIds":[{"id":"wid-9","type":"wootricEndUserId"}]}}""");
        assertThat(EventFields.key(track, "e@b.co")).isEqualTo(new EndUserKey("u9", "wid-9", "u9", "e@b.co"));
    }
}
