package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.BrokerUnavailable;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;
import org.wootrichub.broker.RejectedEvent;

/**
 * The ingress-queue route (direct:ingress-queue): a raw JSON message from another producer is validated, normalised
 * and handed to the publisher event by event. The eventPublisher bean is a recording stand-in; no broker.
 */
class IngressQueueRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sends a raw queue message as the dispatch route hands it over, and returns what reached the publisher. */
    private IntakeResult intake(String message) {
        Exchange exchange = producer.send("direct:ingress-queue", e -> e.getMessage().setBody(message));
        assertThat(exchange.getException()).isNull();
        assertThat(publisher.published()).hasSize(1);
        return publisher.published().get(0);
    }

    private static JsonNode json(QueuedEvent event) throws Exception {
        return JSON.readTree(event.json());
    }

    @Test
    void oneEventIsValidatedNormalisedAndRepublished() throws Exception {
        IntakeResult result = intake("{\"type\":\"track\",\"userId\":\"q-1\",\"event\":\"Signed Up\",\"messageId\":\"m-1\"}");

        assertThat(result.rejected()).isEmpty();
        assertThat(result.accepted()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("track");
            assertThat(event.userKey()).isEqualTo("q-1");
            assertThat(event.messageId()).isEqualTo("m-1");
            assertThat(json(event).get("receivedAt").asText()).isNotBlank();
        });
    }

    @Test
    void anArrayIsRepublishedEventByEventInOrder() throws Exception {
        IntakeResult result = intake("[{\"type\":\"identify\",\"userId\":\"q-2\"},{\"type\":\"page\",\"anonymousId\":\"anon-3\"},"
                + "{\"type\":\"group\",\"userId\":\"q-4\",\"groupId\":\"g-1\"}]");

        assertThat(result.rejected()).isEmpty();
        assertThat(result.accepted()).extracting(QueuedEvent::type).containsExactly("identify", "page", "group");
        assertThat(result.accepted()).extracting(QueuedEvent::userKey).containsExactly("q-2", "anon-3", "q-4");
        // a missing messageId is generated, one per event
        assertThat(result.accepted()).extracting(QueuedEvent::messageId).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void aBatchObjectSharesItsContextWithItsEvents() throws Exception {
        IntakeResult result = intake("{\"batch\":[{\"type\":\"identify\",\"userId\":\"q-5\"},"
                + "{\"type\":\"identify\",\"userId\":\"q-6\",\"context\":{\"locale\":\"de-DE\"}}],"
                + "\"context\":{\"locale\":\"fr-FR\",\"ip\":\"10.0.0.1\"}}");

        assertThat(result.accepted()).hasSize(2);
        assertThat(json(result.accepted().get(0)).at("/context/locale").asText()).isEqualTo("fr-FR");
        // the event's own keys win
        assertThat(json(result.accepted().get(1)).at("/context/locale").asText()).isEqualTo("de-DE");
        assertThat(json(result.accepted().get(1)).at("/context/ip").asText()).isEqualTo("10.0.0.1");
    }

    @Test
    void invalidEventsOfAMessageAreRejectedWithTheirReasonAndTheOthersRepublished() {
        IntakeResult result = intake("[{\"type\":\"track\",\"userId\":\"q-7\"},{\"type\":\"identify\",\"userId\":\"q-8\"},"
                + "{\"type\":\"purchase\",\"userId\":\"q-9\"},{\"type\":\"identify\"}]");

        assertThat(result.accepted()).extracting(QueuedEvent::userKey).containsExactly("q-8");
        assertThat(result.rejected()).extracting(RejectedEvent::index, RejectedEvent::reason).containsExactly(
                tuple(0, "missing_event"),
                tuple(2, "unknown_type"),
                tuple(3, "missing_user_id"));
    }

    @Test
    void aMessageThatIsNotJsonIsRejectedAsItIs() {
        IntakeResult result = intake("not json at all");

        assertThat(result.accepted()).isEmpty();
        assertThat(result.rejected()).singleElement().satisfies(rejected -> {
            assertThat(rejected.reason()).isEqualTo("invalid_json");
            assertThat(rejected.json()).isEqualTo("not json at all");
        });
    }

    @Test
    void aBatchObjectWithoutAnArrayIsRejectedAsItIs() {
        IntakeResult result = intake("{\"batch\":5}");

        assertThat(result.accepted()).isEmpty();
        assertThat(result.rejected()).extracting(RejectedEvent::reason, RejectedEvent::json)
                .containsExactly(tuple("invalid_batch", "{\"batch\":5}"));
    }

    @Test
    void aBrokerFailureWhileRepublishingFailsTheExchangeSoTheConsumerRollsBack() {
        publisher.brokerDown(true);

        Exchange exchange = producer.send("direct:ingress-queue", e -> e.getMessage().setBody("{\"type\":\"identify\",\"userId\":\"q-10\"}"));

        assertThat(exchange.getException()).isInstanceOf(BrokerUnavailable.class);
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void theIncomingHeadersDoNotReachThePublisherStep() {
        Exchange exchange = producer.send("direct:ingress-queue", e -> {
            e.getMessage().setBody("{\"type\":\"identify\",\"userId\":\"q-11\"}");
            e.getMessage().setHeader(HubHeaders.REASON, "stale");
            e.getMessage().setHeader("JMSMessageID", "ID:raw-2");
        });

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeaders()).doesNotContainKeys(HubHeaders.REASON, "JMSMessageID");
        assertThat(publisher.published()).extracting(r -> r.accepted().size()).isEqualTo(List.of(1));
    }
}
