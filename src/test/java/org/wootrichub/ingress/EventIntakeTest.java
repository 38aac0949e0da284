package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;
import org.wootrichub.broker.RejectedEvent;

/** segment-ingress.md, "Endpoints", "Content" limits and "Replies": events judged one by one. */
class EventIntakeTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");
    private static final String IP = "203.0.113.7";

    private final EventIntake intake = new EventIntake(IngressLimits.SEGMENT);

    private static JsonNode json(String text) {
        return SegmentJson.parse(text);
    }

    private static String batchOf(int n) {
        StringBuilder b = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"type\":\"track\",\"userId\":\"u").append(i).append("\",\"event\":\"E\"}");
        }
        return b.append("]}").toString();
    }

    // ---------------------------------------------------------------- mixed batch

    private static final String MIXED_BATCH = """
            {"writeKey":"wk-secret-1234",
             "batch":[
              {"type":"identify","userId":"u1","traits":{"email":"a@b.co"}},
              {"type":"identify","traits":{"email":"nobody@b.co"}},
              {"userId":"u2","event":"No Type"},
              {"type":"purchase","userId":"u3"},
              {"type":"track","userId":"u4"},
              {"type":"group","userId":"u5"},
              {"type":"identify","userId":"u6","traits":{"bio":"%s"}},
              42,
              {"type":"alias","userId":"u7"},
              {"type":"track","anonymousId":"anon-8","event":"Signed Up"}
             ]}""".formatted("x".repeat(33 * 1024));

    static Stream<Arguments> mixedBatchRejections() {
        return Stream.of(
                Arguments.of(1, "missing_user_id"),
                Arguments.of(2, "missing_type"),
                Arguments.of(3, "unknown_type"),
                Arguments.of(4, "missing_event"),
                Arguments.of(5, "missing_group_id"),
                Arguments.of(6, "event_too_large"),
                Arguments.of(7, "not_an_object"),
                Arguments.of(8, "missing_previous_id"));
    }

    @ParameterizedTest(name = "batch event #{0} is rejected with {1}")
    @MethodSource("mixedBatchRejections")
    void mixedBatchRejectsInvalidEventsByIndex(int index, String reason) {
        IntakeResult result = intake.read(json(MIXED_BATCH), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(result.rejected()).filteredOn(r -> r.index() == index)
                .extracting(RejectedEvent::reason).containsExactly(reason);
    }

    @Test
    @DisplayName("mixed batch: valid events are queued, invalid ones listed, none lost")
    void mixedBatchKeepsTheValidOnes() {
        IntakeResult result = intake.read(json(MIXED_BATCH), EventIntake.Shape.BATCH, null, RECEIVED, IP);

        assertThat(result.singleEvent()).isFalse();
        assertThat(result.accepted()).extracting(QueuedEvent::userKey, QueuedEvent::type)
                .containsExactly(tuple("u1", "identify"), tuple("anon-8", "track"));
        assertThat(result.rejected()).extracting(RejectedEvent::index).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(result.accepted().size() + result.rejected().size()).isEqualTo(10);
    }

    @Test
    @DisplayName("mixed batch reply lists accepted count and each rejected index with its reason")
    void mixedBatchReply() {
        IntakeResult result = intake.read(json(MIXED_BATCH), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        JsonNode reply = json(IngressReplies.acceptedJson(result));

        assertThat(reply.path("success").asBoolean()).isTrue();
        assertThat(reply.path("accepted").asInt()).isEqualTo(2);
        assertThat(reply.path("rejected")).hasSize(8);
        assertThat(reply.path("rejected").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(reply.path("rejected").get(0).path("reason").asText()).isEqualTo("missing_user_id");
    }

    @Test
    @DisplayName("a fully valid request replies {\"success\":true}")
    void validReply() {
        IntakeResult result = intake.read(json(batchOf(3)), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(result.rejected()).isEmpty();
        assertThat(json(IngressReplies.acceptedJson(result)).path("success").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("a rejected event keeps its original JSON (for segment.rejected)")
    void rejectedEventKeepsOriginal() {
        IntakeResult result = intake.read(json("""
                {"batch":[{"type":"track","userId":"u4","properties":{"a":1}}]}"""),
                EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("missing_event");
            assertThat(json(r.json())).isEqualTo(json("{\"type\":\"track\",\"userId\":\"u4\",\"properties\":{\"a\":1}}"));
        });
    }

    // ---------------------------------------------------------------- path type

    @ParameterizedTest(name = "/v1/{0} fills the missing type")
    @CsvSource({
            "identify, '{\"userId\":\"u1\",\"traits\":{}}'",
            "track,    '{\"userId\":\"u1\",\"event\":\"Clicked\"}'",
            "page,     '{\"userId\":\"u1\",\"name\":\"Home\"}'",
            "screen,   '{\"anonymousId\":\"a1\",\"name\":\"Home\"}'",
            "group,    '{\"userId\":\"u1\",\"groupId\":\"g1\"}'",
            "alias,    '{\"userId\":\"u1\",\"previousId\":\"a1\"}'"})
    void pathTypeFillsMissingType(String pathType, String body) {
        IntakeResult result = intake.read(json(body), EventIntake.Shape.SINGLE, pathType, RECEIVED, IP);

        assertThat(result.singleEvent()).isTrue();
        assertThat(result.rejected()).isEmpty();
        assertThat(result.accepted()).singleElement().satisfies(q -> {
            assertThat(q.type()).isEqualTo(pathType);
            assertThat(json(q.json()).path("type").asText()).isEqualTo(pathType);
        });
    }

    @ParameterizedTest(name = "/v1/{0} with body type {1} -> {2}")
    @CsvSource(nullValues = "NULL", value = {
            "identify, identify, NULL",
            "identify, track,    type_mismatch",
            "track,    identify, type_mismatch",
            "page,     screen,   type_mismatch",
            "group,    alias,    type_mismatch"})
    void bodyTypeMustMatchPath(String pathType, String bodyType, String reason) {
        String body = """
                {"type":"%s","userId":"u1","event":"E","groupId":"g","previousId":"p"}""".formatted(bodyType);
        IntakeResult result = intake.read(json(body), EventIntake.Shape.SINGLE, pathType, RECEIVED, IP);

        assertThat(result.singleEvent()).isTrue();
        if (reason == null) {
            assertThat(result.rejected()).isEmpty();
            assertThat(result.accepted()).hasSize(1);
        } else {
            assertThat(result.accepted()).isEmpty();
            assertThat(result.rejected()).singleElement().satisfies(r -> {
                assertThat(r.index()).isZero();
                assertThat(r.reason()).isEqualTo(reason);
            });
        }
    }

    @Test
    @DisplayName("a single-event request with an invalid event is rejected (for a 400 with the reason)")
    void singleInvalidEvent() {
        IntakeResult result = intake.read(json("{\"traits\":{}}"), EventIntake.Shape.SINGLE, "identify", RECEIVED, IP);
        assertThat(result.singleEvent()).isTrue();
        assertThat(result.accepted()).isEmpty();
        assertThat(result.rejected()).extracting(RejectedEvent::reason).containsExactly("missing_user_id");
    }

    // ---------------------------------------------------------------- batch size

    @ParameterizedTest(name = "a batch of {0} events is accepted")
    @CsvSource({"0", "1", "2500"})
    void batchesUpTo2500EventsAreAccepted(int n) {
        IntakeResult result = intake.read(json(batchOf(n)), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(result.accepted()).hasSize(n);
        assertThat(result.rejected()).isEmpty();
    }

    @ParameterizedTest(name = "a {1} of {0} events -> 400 too_many_events")
    @CsvSource({"2501, BATCH", "2501, ANY", "5000, BATCH"})
    void moreThan2500EventsIsRejectedWith400(int n, EventIntake.Shape shape) {
        assertThatThrownBy(() -> intake.read(json(batchOf(n)), shape, null, RECEIVED, IP))
                .isInstanceOfSatisfying(IngressRejection.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.code()).isEqualTo("too_many_events");
                });
    }

    @Test
    @DisplayName("a JSON array of more than 2500 events (webhook/queue) -> 400 too_many_events")
    void arrayOfTooManyEvents() {
        String batch = batchOf(2501);
        String array = batch.substring("{\"batch\":".length(), batch.length() - 1);
        assertThatThrownBy(() -> intake.read(json(array), EventIntake.Shape.ANY, null, RECEIVED, IP))
                .isInstanceOfSatisfying(IngressRejection.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.code()).isEqualTo("too_many_events");
                });
    }

    // ---------------------------------------------------------------- write key

    static Stream<Arguments> writeKeyBodies() {
        return Stream.of(
                Arguments.of("batch-level and event-level writeKey", EventIntake.Shape.BATCH, """
                        {"writeKey":"wk-secret-1234","batch":[
                          {"type":"identify","userId":"u1","writeKey":"wk-secret-1234"},
                          {"type":"track","userId":"u2","event":"E","writeKey":"wk-secret-1234"}]}"""),
                Arguments.of("single event with writeKey", EventIntake.Shape.SINGLE, """
                        {"type":"identify","userId":"u1","writeKey":"wk-secret-1234"}"""),
                Arguments.of("array of events with writeKey", EventIntake.Shape.ANY, """
                        [{"type":"identify","userId":"u1","writeKey":"wk-secret-1234"}]"""));
    }

    @ParameterizedTest(name = "{0}: writeKey never queued")
    @MethodSource("writeKeyBodies")
    void writeKeyIsRemovedFromQueuedEvents(String description, EventIntake.Shape shape, String body) {
        IntakeResult result = intake.read(json(body), shape, null, RECEIVED, IP);
        assertThat(result.accepted()).isNotEmpty();
        assertThat(result.accepted()).allSatisfy(q -> {
            assertThat(json(q.json()).has("writeKey")).isFalse();
            assertThat(q.json()).doesNotContain("wk-secret-1234");
        });
    }

    @Test
    @DisplayName("writeKey is not stored with rejected events either (segment.rejected)")
    void writeKeyIsRemovedFromRejectedEvents() {
        IntakeResult result = intake.read(json("""
                {"writeKey":"wk-secret-1234","batch":[
                  {"type":"track","userId":"u1","writeKey":"wk-secret-1234"},
                  {"userId":"u2","writeKey":"wk-secret-1234"},
                  {"type":"identify","userId":"u3","writeKey":"wk-secret-1234","traits":{"bio":"%s"}}]}"""
                .formatted("x".repeat(33 * 1024))), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(result.rejected()).extracting(RejectedEvent::reason).containsExactly("missing_event", "missing_type", "event_too_large");
        assertThat(result.rejected()).allSatisfy(r -> assertThat(r.json()).doesNotContain("wk-secret-1234").doesNotContain("writeKey"));
    }

    // ---------------------------------------------------------------- size after normalisation

    private static final String BIG_BATCH_CONTEXT = """
            {"context":{"note":"%s"},"integrations":{"Other":{"blob":"%s"}},"batch":[
              {"type":"identify","userId":"small","messageId":"m-small","context":{"note":"own"},"integrations":{"Other":{}}},
              {"type":"identify","userId":"merged","messageId":"m-merged"},
              {"type":"track","userId":"tiny","event":"E","messageId":"m-tiny","context":{"note":"own"}}]}"""
            .formatted("c".repeat(20 * 1024), "i".repeat(14 * 1024));

    @Test
    @DisplayName("an event over 32 KB once the batch context and integrations are merged in is rejected event_too_large")
    void mergedEventOverTheLimitIsRejected() {
        IntakeResult result = intake.read(json(BIG_BATCH_CONTEXT), EventIntake.Shape.BATCH, null, RECEIVED, IP);

        // m-tiny gets only the integrations (its own context.note wins): 14 KB, accepted
        assertThat(result.accepted()).extracting(QueuedEvent::messageId).containsExactly("m-small", "m-tiny");
        assertThat(result.rejected()).extracting(RejectedEvent::index, RejectedEvent::reason)
                .containsExactly(tuple(1, "event_too_large"));
        // the rejected event is stored as it was sent, not with the batch's context
        assertThat(result.rejected().get(0).json()).doesNotContain("ccccc");
        JsonNode reply = json(IngressReplies.acceptedJson(result));
        assertThat(reply.path("accepted").asInt()).isEqualTo(2);
        assertThat(reply.path("rejected").get(0).path("reason").asText()).isEqualTo("event_too_large");
    }

    @Test
    @DisplayName("nothing stored from a request is larger than 32 KB per event")
    void storedEventsStayWithinTheLimit() {
        IntakeResult result = intake.read(json(BIG_BATCH_CONTEXT), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(result.accepted()).allSatisfy(q ->
                assertThat(q.json().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(32 * 1024));
    }

    @Test
    @DisplayName("an event over 32 KB as sent is rejected even when normalising it would make it smaller (an unreadable timestamp)")
    void eventTooLargeAsSentIsRejectedThoughNormalisedItFits() {
        // an unreadable timestamp is replaced by receivedAt: the stored event would be small, the one sent is not
        String sent = "{\"type\":\"identify\",\"userId\":\"u1\",\"timestamp\":\"%s\"}".formatted("9".repeat(33 * 1024));
        IntakeResult result = intake.read(json("{\"batch\":[" + sent + ",{\"type\":\"identify\",\"userId\":\"u2\"}]}"),
                EventIntake.Shape.BATCH, null, RECEIVED, IP);

        assertThat(result.rejected()).extracting(RejectedEvent::index, RejectedEvent::reason).containsExactly(tuple(0, "event_too_large"));
        assertThat(json(result.rejected().get(0).json())).as("stored as it was sent").isEqualTo(json(sent));
        assertThat(result.accepted()).extracting(QueuedEvent::userKey).containsExactly("u2");
    }

    @Test
    @DisplayName("an event rejected after the path set its type, or after normalisation, is stored exactly as it was sent")
    void rejectedEventsAreStoredAsSent() {
        String noEvent = "{\"userId\":\"u1\",\"context\":{\"locale\":\"fr\"},\"properties\":{\"a\":1}}";
        IntakeResult single = intake.read(json(noEvent), EventIntake.Shape.SINGLE, "track", RECEIVED, IP);
        assertThat(single.rejected()).extracting(RejectedEvent::reason).containsExactly("missing_event");
        assertThat(single.rejected().get(0).json()).isEqualTo(noEvent);

        String merged = "{\"type\":\"identify\",\"userId\":\"u2\",\"context\":{\"locale\":\"fr\"},\"timestamp\":\"2024-05-01T11:59:00Z\"}";
        IntakeResult batch = intake.read(json("{\"sentAt\":\"2024-05-01T11:59:30Z\",\"context\":{\"note\":\"%s\"},\"batch\":[%s]}"
                .formatted("c".repeat(33 * 1024), merged)), EventIntake.Shape.BATCH, null, RECEIVED, IP);
        assertThat(batch.rejected()).extracting(RejectedEvent::reason).containsExactly("event_too_large");
        assertThat(batch.rejected().get(0).json()).isEqualTo(merged);
    }

    // ---------------------------------------------------------------- normalisation through intake

    @Test
    @DisplayName("batch-level context and integrations are merged into each queued event")
    void batchLevelContextMerged() {
        IntakeResult result = intake.read(json("""
                {"context":{"library":{"name":"analytics-python"},"locale":"en-GB"},
                 "integrations":{"Wootric":true},
                 "batch":[
                   {"type":"identify","userId":"u1"},
                   {"type":"identify","userId":"u2","context":{"locale":"de-DE"}}]}"""),
                EventIntake.Shape.BATCH, null, RECEIVED, IP);

        assertThat(result.accepted()).hasSize(2);
        JsonNode first = json(result.accepted().get(0).json());
        JsonNode second = json(result.accepted().get(1).json());
        assertThat(first.path("context").path("library").path("name").asText()).isEqualTo("analytics-python");
        assertThat(first.path("context").path("locale").asText()).isEqualTo("en-GB");
        assertThat(first.path("integrations").path("Wootric").asBoolean()).isTrue();
        assertThat(second.path("context").path("library").path("name").asText()).isEqualTo("analytics-python");
        assertThat(second.path("context").path("locale").asText()).as("event's own key wins").isEqualTo("de-DE");
    }

    @Test
    @DisplayName("queued events carry messageId, user key (userId else anonymousId), type, receivedAt and ip")
    void queuedEventMetadata() {
        IntakeResult result = intake.read(json("""
                {"batch":[
                  {"type":"identify","userId":"u1","anonymousId":"a1","messageId":"m-1"},
                  {"type":"page","anonymousId":"a2"}]}"""),
                EventIntake.Shape.BATCH, null, RECEIVED, IP);

        assertThat(result.accepted()).hasSize(2);
        QueuedEvent first = result.accepted().get(0);
        QueuedEvent second = result.accepted().get(1);
        assertThat(first.messageId()).isEqualTo("m-1");
        assertThat(first.userKey()).isEqualTo("u1");
        assertThat(first.type()).isEqualTo("identify");
        assertThat(second.userKey()).isEqualTo("a2");
        assertThat(second.messageId()).isNotBlank().isEqualTo(json(second.json()).path("messageId").asText());
        JsonNode queued = json(second.json());
        assertThat(Instant.parse(queued.path("receivedAt").asText())).isEqualTo(RECEIVED);
        assertThat(queued.path("context").path("ip").asText()).isEqualTo(IP);
    }

    // ---------------------------------------------------------------- shapes

    @ParameterizedTest(name = "queue/webhook body as {0}")
    @CsvSource(delimiter = '|', value = {
            "one event      | {\"type\":\"identify\",\"userId\":\"u1\"}                                        | 1 | true",
            "JSON array     | [{\"type\":\"identify\",\"userId\":\"u1\"},{\"type\":\"identify\",\"userId\":\"u2\"}] | 2 | false",
            "batch object   | {\"batch\":[{\"type\":\"identify\",\"userId\":\"u1\"}]}                          | 1 | false"})
    void anyShapeAcceptsEventArrayOrBatch(String description, String body, int accepted, boolean single) {
        IntakeResult result = intake.read(json(body), EventIntake.Shape.ANY, null, RECEIVED, IP);
        assertThat(result.accepted()).hasSize(accepted);
        assertThat(result.singleEvent()).isEqualTo(single);
    }

    @ParameterizedTest(name = "batch endpoint with {0} -> 400 invalid_batch")
    @CsvSource(delimiter = '|', value = {
            "a plain event      | {\"type\":\"identify\",\"userId\":\"u1\"}",
            "batch not an array | {\"batch\":{\"type\":\"identify\",\"userId\":\"u1\"}}"})
    void batchEndpointNeedsBatchArray(String description, String body) {
        assertThatThrownBy(() -> intake.read(json(body), EventIntake.Shape.BATCH, null, RECEIVED, IP))
                .isInstanceOfSatisfying(IngressRejection.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.code()).isEqualTo("invalid_batch");
                });
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "plain ascii", "caf\u00e9", "\u07ff\u0800", "\u20ac 5", "\uffff", "emoji \ud83d\ude00 and \u00e9"})
    void anEventIsMeasuredInUtf8AsItWouldBeStored(String text) {
        assertThat(EventIntake.utf8Length(text)).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}
