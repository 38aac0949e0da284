package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wootrichub.event.SegmentJson;

/** segment-ingress.md, "Event shape" and "Replies": which events are rejected and why. */
class EventValidatorTest {

    private final EventValidator validator = new EventValidator(IngressLimits.SEGMENT);

    private static JsonNode json(String text) {
        return SegmentJson.parse(text);
    }

    private String judge(String eventJson) {
        JsonNode event = json(eventJson);
        return validator.rejectionReason(event, eventJson.getBytes(StandardCharsets.UTF_8).length);
    }

    static Stream<Arguments> validEvents() {
        return Stream.of(
                Arguments.of("identify with userId", """
                        {"type":"identify","userId":"u1","traits":{"email":"a@b.co"}}"""),
                Arguments.of("identify with anonymousId only", """
                        {"type":"identify","anonymousId":"anon-1"}"""),
                Arguments.of("track with userId", """
                        {"type":"track","userId":"u1","event":"Signed Up","properties":{"plan":"pro"}}"""),
                Arguments.of("track with anonymousId only", """
                        {"type":"track","anonymousId":"anon-1","event":"Viewed"}"""),
                Arguments.of("page with userId", """
                        {"type":"page","userId":"u1","name":"Home","properties":{"path":"/"}}"""),
                Arguments.of("page with anonymousId only (no name)", """
                        {"type":"page","anonymousId":"anon-1"}"""),
                Arguments.of("screen with userId", """
                        {"type":"screen","userId":"u1","name":"Settings"}"""),
                Arguments.of("screen with anonymousId only", """
                        {"type":"screen","anonymousId":"anon-1","name":"Settings"}"""),
                Arguments.of("group with userId", """
                        {"type":"group","userId":"u1","groupId":"g1","traits":{"name":"Acme"}}"""),
                Arguments.of("group with anonymousId only", """
                        {"type":"group","anonymousId":"anon-1","groupId":"g1"}"""),
                Arguments.of("alias with userId and previousId", """
                        {"type":"alias","userId":"u1","previousId":"anon-1"}"""),
                Arguments.of("alias with anonymousId only and previousId", """
                        {"type":"alias","anonymousId":"anon-2","previousId":"anon-1"}"""),
                Arguments.of("messageId of exactly 100 characters", """
                        {"type":"identify","userId":"u1","messageId":"%s"}""".formatted("m".repeat(100))),
                Arguments.of("both userId and anonymousId", """
                        {"type":"identify","userId":"u1","anonymousId":"anon-1"}"""));
    }

    @ParameterizedTest(name = "{0} is valid")
    @MethodSource("validEvents")
    void validEventsHaveNoRejectionReason(String description, String eventJson) {
        assertThat(judge(eventJson)).isNull();
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                Arguments.of("no type", """
                        {"userId":"u1","traits":{}}""", "missing_type"),
                Arguments.of("null type", """
                        {"type":null,"userId":"u1"}""", "missing_type"),
                Arguments.of("empty type", """
                        {"type":"","userId":"u1"}""", "missing_type"),
                Arguments.of("unknown type", """
                        {"type":"purchase","userId":"u1"}""", "unknown_type"),
                Arguments.of("type in the wrong case", """
                        {"type":"Identify","userId":"u1"}""", "unknown_type"),
                Arguments.of("identify without userId or anonymousId", """
                        {"type":"identify","traits":{"email":"a@b.co"}}""", "missing_user_id"),
                Arguments.of("track with empty userId and null anonymousId", """
                        {"type":"track","userId":"","anonymousId":null,"event":"X"}""", "missing_user_id"),
                Arguments.of("messageId of 101 characters", """
                        {"type":"identify","userId":"u1","messageId":"%s"}""".formatted("m".repeat(101)),
                        "message_id_too_long"),
                Arguments.of("track without event", """
                        {"type":"track","userId":"u1","properties":{}}""", "missing_event"),
                Arguments.of("track with empty event", """
                        {"type":"track","userId":"u1","event":""}""", "missing_event"),
                Arguments.of("track with null event", """
                        {"type":"track","userId":"u1","event":null}""", "missing_event"),
                Arguments.of("group without groupId", """
                        {"type":"group","userId":"u1","traits":{"name":"Acme"}}""", "missing_group_id"),
                Arguments.of("group with empty groupId", """
                        {"type":"group","userId":"u1","groupId":""}""", "missing_group_id"),
                Arguments.of("alias without previousId", """
                        {"type":"alias","userId":"u1"}""", "missing_previous_id"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("invalidEvents")
    void invalidEventsAreRejectedWithTheReason(String description, String eventJson, String reason) {
        assertThat(judge(eventJson)).isEqualTo(reason);
    }

    /** Spec: track `event` is a "required, non-empty string"; Wootric matches the name exactly as sent. */
    @ParameterizedTest(name = "track with non-string event {0} is rejected")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"123", "true", "{\"name\":\"E\"}", "[\"E\"]"})
    void trackEventMustBeAString(String eventValue) {
        assertThat(judge("{\"type\":\"track\",\"userId\":\"u1\",\"event\":" + eventValue + "}")).isNotNull();
    }

    static Stream<Arguments> notObjects() {
        return Stream.of(
                Arguments.of("array", "[{\"type\":\"identify\",\"userId\":\"u1\"}]"),
                Arguments.of("string", "\"identify\""),
                Arguments.of("number", "42"),
                Arguments.of("boolean", "true"),
                Arguments.of("JSON null", "null"));
    }

    @ParameterizedTest(name = "a JSON {0} is not_an_object")
    @MethodSource("notObjects")
    void nonObjectsAreRejected(String description, String jsonText) {
        assertThat(judge(jsonText)).isEqualTo("not_an_object");
    }

    @Test
    @DisplayName("a Java null event is not_an_object")
    void nullEventIsNotAnObject() {
        assertThat(validator.rejectionReason(null, 0)).isEqualTo("not_an_object");
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of(1, null),
                Arguments.of(32 * 1024 - 1, null),
                Arguments.of(32 * 1024, null),
                Arguments.of(32 * 1024 + 1, "event_too_large"),
                Arguments.of(500 * 1024, "event_too_large"));
    }

    @ParameterizedTest(name = "an otherwise valid event of {0} bytes -> {1}")
    @MethodSource("sizes")
    void perEventLimitIs32KB(int sizeBytes, String reason) {
        JsonNode event = json("{\"type\":\"identify\",\"userId\":\"u1\"}");
        assertThat(validator.rejectionReason(event, sizeBytes)).isEqualTo(reason);
    }

    @Test
    @DisplayName("a real 33 KB identify is event_too_large")
    void realOversizedEvent() {
        String big = "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"bio\":\"" + "x".repeat(33 * 1024) + "\"}}";
        assertThat(judge(big)).isEqualTo("event_too_large");
    }
}
