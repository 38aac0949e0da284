package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.wootrichub.event.SegmentJson;

/** segment-ingress.md, "Normalisation before the event is queued". */
class EventNormaliserTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");

    private static ObjectNode event(String json) {
        return (ObjectNode) SegmentJson.parse(json);
    }

    private static Instant instant(JsonNode node, String field) {
        return Instant.parse(node.get(field).asText());
    }

    // ---------------------------------------------------------------- receivedAt

    @Test
    @DisplayName("receivedAt is the time the hub received the event, even if the client sent one")
    void receivedAtIsTheHubTime() {
        ObjectNode e = event("""
                {"type":"identify","userId":"u1","receivedAt":"1999-01-01T00:00:00Z"}""");
        EventNormaliser.normalise(e, null, RECEIVED, null);
        assertThat(instant(e, "receivedAt")).isEqualTo(RECEIVED);
    }

    // ---------------------------------------------------------------- clock skew

    static Stream<Arguments> clockSkew() {
        return Stream.of(
                // description, event JSON, batch JSON (or null), expected timestamp, expected originalTimestamp
                Arguments.of("client clock 5 s behind send: timestamp 5 s before receipt",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T11:59:50Z","sentAt":"2024-05-01T11:59:55Z"}""",
                        null, "2024-05-01T11:59:55Z", "2024-05-01T11:59:50Z"),
                Arguments.of("client clock three hours ahead is corrected to the hub clock",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T15:00:00Z","sentAt":"2024-05-01T15:00:10Z"}""",
                        null, "2024-05-01T11:59:50Z", "2024-05-01T15:00:00Z"),
                Arguments.of("client clock a day behind is corrected to the hub clock",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-04-30T12:00:00Z","sentAt":"2024-04-30T12:01:00Z"}""",
                        null, "2024-05-01T11:59:00Z", "2024-04-30T12:00:00Z"),
                Arguments.of("timestamp with an offset",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T13:59:50+02:00","sentAt":"2024-05-01T11:59:55Z"}""",
                        null, "2024-05-01T11:59:55Z", "2024-05-01T13:59:50+02:00"),
                Arguments.of("fractional seconds are kept",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T11:59:50.250Z","sentAt":"2024-05-01T11:59:55.000Z"}""",
                        null, "2024-05-01T11:59:55.250Z", "2024-05-01T11:59:50.250Z"),
                Arguments.of("originalTimestamp is preferred over timestamp",
                        """
                        {"type":"track","userId":"u1","event":"E","originalTimestamp":"2024-05-01T11:59:40Z","timestamp":"2024-05-01T11:59:59Z","sentAt":"2024-05-01T11:59:50Z"}""",
                        null, "2024-05-01T11:59:50Z", "2024-05-01T11:59:40Z"),
                Arguments.of("originalTimestamp alone with sentAt",
                        """
                        {"type":"track","userId":"u1","event":"E","originalTimestamp":"2024-05-01T11:00:00Z","sentAt":"2024-05-01T11:00:30Z"}""",
                        null, "2024-05-01T11:59:30Z", "2024-05-01T11:00:00Z"),
                Arguments.of("batch-level sentAt applies to an event without its own",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T08:00:00Z"}""",
                        """
                        {"batch":[],"sentAt":"2024-05-01T08:00:20Z"}""",
                        "2024-05-01T11:59:40Z", "2024-05-01T08:00:00Z"),
                Arguments.of("the event's own sentAt wins over the batch's",
                        """
                        {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T08:00:00Z","sentAt":"2024-05-01T08:00:05Z"}""",
                        """
                        {"batch":[],"sentAt":"2024-05-01T08:00:20Z"}""",
                        "2024-05-01T11:59:55Z", "2024-05-01T08:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clockSkew")
    void clockSkewCorrection(String description, String eventJson, String batchJson, String expectedTimestamp,
            String expectedOriginal) {
        ObjectNode e = event(eventJson);
        JsonNode batch = batchJson == null ? null : SegmentJson.parse(batchJson);

        EventNormaliser.normalise(e, batch, RECEIVED, null);

        assertThat(instant(e, "timestamp")).as("timestamp = receivedAt - (sentAt - original)")
                .isEqualTo(Instant.parse(expectedTimestamp));
        assertThat(e.path("originalTimestamp").asText()).as("client's timestamp kept as originalTimestamp")
                .isEqualTo(expectedOriginal);
        assertThat(instant(e, "receivedAt")).isEqualTo(RECEIVED);
    }

    @Test
    @DisplayName("without sentAt the client's timestamp is not corrected")
    void noSentAtNoCorrection() {
        ObjectNode e = event("""
                {"type":"track","userId":"u1","event":"E","timestamp":"2024-05-01T08:00:00Z"}""");
        EventNormaliser.normalise(e, null, RECEIVED, null);
        assertThat(instant(e, "timestamp")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    }

    // ---------------------------------------------------------------- messageId

    @ParameterizedTest(name = "messageId {0} is generated as a UUID")
    @CsvSource(nullValues = "NONE", value = {
            "absent, '{\"type\":\"identify\",\"userId\":\"u1\"}'",
            "null,   '{\"type\":\"identify\",\"userId\":\"u1\",\"messageId\":null}'",
            "empty,  '{\"type\":\"identify\",\"userId\":\"u1\",\"messageId\":\"\"}'"})
    void missingMessageIdIsGenerated(String description, String eventJson) {
        ObjectNode e = event(eventJson);
        EventNormaliser.normalise(e, null, RECEIVED, null);
        String id = e.path("messageId").asText();
        assertThat(id).isNotBlank();
        assertThat(UUID.fromString(id)).isNotNull();
    }

    @Test
    @DisplayName("generated messageIds differ between events")
    void generatedMessageIdsAreUnique() {
        ObjectNode a = event("{\"type\":\"identify\",\"userId\":\"u1\"}");
        ObjectNode b = event("{\"type\":\"identify\",\"userId\":\"u1\"}");
        EventNormaliser.normalise(a, null, RECEIVED, null);
        EventNormaliser.normalise(b, null, RECEIVED, null);
        assertThat(a.path("messageId").asText()).isNotEqualTo(b.path("messageId").asText());
    }

    @Test
    @DisplayName("a client messageId is kept")
    void clientMessageIdIsKept() {
        ObjectNode e = event("{\"type\":\"identify\",\"userId\":\"u1\",\"messageId\":\"ajs-123\"}");
        EventNormaliser.normalise(e, null, RECEIVED, null);
        assertThat(e.path("messageId").asText()).isEqualTo("ajs-123");
    }

    // ---------------------------------------------------------------- context.ip

    static Stream<Arguments> contextIp() {
        return Stream.of(
                Arguments.of("no context: created with the client address",
                        "{\"type\":\"identify\",\"userId\":\"u1\"}", "203.0.113.7", "203.0.113.7"),
                Arguments.of("context without ip: filled",
                        "{\"type\":\"identify\",\"userId\":\"u1\",\"context\":{\"locale\":\"en-US\"}}", "203.0.113.7",
                        "203.0.113.7"),
                Arguments.of("context with ip: kept",
                        "{\"type\":\"identify\",\"userId\":\"u1\",\"context\":{\"ip\":\"198.51.100.1\"}}", "203.0.113.7",
                        "198.51.100.1"),
                Arguments.of("context with ip and no client address: kept",
                        "{\"type\":\"identify\",\"userId\":\"u1\",\"context\":{\"ip\":\"198.51.100.1\"}}", null,
                        "198.51.100.1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contextIp")
    void contextIpFilledOnlyWhenAbsent(String description, String eventJson, String clientIp, String expectedIp) {
        ObjectNode e = event(eventJson);
        EventNormaliser.normalise(e, null, RECEIVED, clientIp);
        assertThat(e.path("context").path("ip").asText()).isEqualTo(expectedIp);
    }

    @Test
    @DisplayName("the client context is otherwise untouched when the ip is filled")
    void ipFillKeepsOtherContext() {
        ObjectNode e = event("{\"type\":\"identify\",\"userId\":\"u1\",\"context\":{\"locale\":\"en-US\"}}");
        EventNormaliser.normalise(e, null, RECEIVED, "203.0.113.7");
        assertThat(e.path("context").path("locale").asText()).isEqualTo("en-US");
    }

    // ---------------------------------------------------------------- batch merge

    @Test
    @DisplayName("batch context and integrations are merged; the event's own keys win")
    void batchContextAndIntegrationsMerged() {
        JsonNode batch = SegmentJson.parse("""
                {"batch":[],
                 "context":{"library":{"name":"analytics-java","version":"3.5.4"},"locale":"en-US","ip":"10.0.0.1"},
                 "integrations":{"All":false,"Wootric":true}}""");
        ObjectNode e = event("""
                {"type":"identify","userId":"u1",
                 "context":{"locale":"fr-FR","traits":{"email":"a@b.co"}},
                 "integrations":{"Wootric":false}}""");

        EventNormaliser.normalise(e, batch, RECEIVED, "203.0.113.7");

        JsonNode context = e.path("context");
        assertThat(context.path("locale").asText()).as("event's own locale wins").isEqualTo("fr-FR");
        assertThat(context.path("traits").path("email").asText()).isEqualTo("a@b.co");
        assertThat(context.path("library").path("name").asText()).as("batch library merged").isEqualTo("analytics-java");
        assertThat(context.path("ip").asText()).as("batch-level ip counts as present").isEqualTo("10.0.0.1");
        JsonNode integrations = e.path("integrations");
        assertThat(integrations.path("Wootric").asBoolean(true)).as("event's own Wootric wins").isFalse();
        assertThat(integrations.path("All").isBoolean()).isTrue();
        assertThat(integrations.path("All").asBoolean(true)).isFalse();
    }

    @Test
    @DisplayName("an event without context gets a copy of the batch context, and the batch is not changed")
    void batchContextCopiedNotShared() {
        JsonNode batch = SegmentJson.parse("""
                {"batch":[],"context":{"library":{"name":"analytics-node"}},"integrations":{"Wootric":true}}""");
        String batchBefore = SegmentJson.write(batch);
        ObjectNode e = event("{\"type\":\"identify\",\"userId\":\"u1\"}");

        EventNormaliser.normalise(e, batch, RECEIVED, "203.0.113.7");

        assertThat(e.path("context").path("library").path("name").asText()).isEqualTo("analytics-node");
        assertThat(e.path("context").path("ip").asText()).isEqualTo("203.0.113.7");
        assertThat(e.path("integrations").path("Wootric").asBoolean()).isTrue();
        assertThat(SegmentJson.write(batch)).as("batch object unchanged").isEqualTo(batchBefore);
    }
}
