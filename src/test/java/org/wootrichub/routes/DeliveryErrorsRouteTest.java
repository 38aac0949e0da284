package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Channel;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Navigate;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.processor.errorhandler.RedeliveryErrorHandler;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wootrichub.admin.OutcomeLog;
import org.wootrichub.admin.OutcomeRecord;
import org.wootrichub.admin.OutcomeWriter;
import org.wootrichub.broker.BrokerUnavailable;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.delivery.DeliveryStep;
import org.wootrichub.delivery.PlanExecutor;
import org.wootrichub.delivery.QuickRetries;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.it.HubDefaults;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.PermanentFailure;
import org.wootrichub.wootric.TransientFailure;

/**
 * The delivery-errors route configuration, driven through the real dispatch route (from direct:dispatch, every JMS
 * endpoint a mock, see {@link RouteTestSupport}), with a Wootric delivery step that throws the failure each test
 * chooses, and retries as the hub's does (wootric.retry.in-process-attempts is 2 here, wootric.retry.max-age 1
 * minute). Each event's message counts its copies: the dispatch route's error handler must not copy the exchange
 * before each step, as Camel's does when a clause may redeliver (most of a consumer's CPU went there).
 */
class DeliveryErrorsRouteTest extends RouteTestSupport {

    private static final String IDENTIFY = "{\"type\":\"identify\",\"userId\":\"%s\",\"messageId\":\"msg-%s\"}";

    @EndpointInject("mock:jms:queue:wootric.dlq")
    MockEndpoint deadLetters;

    /**
     * The park-or-dead-letter step (toD): camel-jms sends every such message through one endpoint, the URI as
     * written, and names the queue in the CamelJmsDestinationName header.
     */
    @EndpointInject("mock:jms:queue:$%7BexchangeProperty.hubNextQueue%7D")
    MockEndpoint parkOrDeadLetter;

    /** What the Wootric delivery throws in the current test, and the plans it was asked to deliver. */
    private volatile RuntimeException failure;
    private final List<WootricPlan> attempts = new CopyOnWriteArrayList<>();
    /** Copies of the current event's message made by the error handler so far, and how many there were at each attempt. */
    private final AtomicInteger copies = new AtomicInteger();
    private final List<Integer> copiesAtAttempts = new CopyOnWriteArrayList<>();
    /** Copies of the current event's message made by anything (a bean expression copies its exchange too). */
    private final AtomicInteger anyCopies = new AtomicInteger();
    private final List<Integer> anyCopiesAtAttempts = new CopyOnWriteArrayList<>();

    /** The outcome records made of the finished events; while recordFails, making one fails. */
    private final List<String> records = new CopyOnWriteArrayList<>();
    private volatile boolean recordFails;

    @ReplaceInRegistry
    OutcomeLog outcomeLog() {
        return new OutcomeLog(null, HubDefaults.queues(), Clock.systemUTC()) {
            @Override
            public OutcomeRecord record(Exchange exchange) {
                if (recordFails) {
                    throw new IllegalStateException("the record cannot be made");
                }
                OutcomeRecord record = super.record(exchange);
                if (record != null) {
                    records.add(SegmentJson.parse(record.json()).path("outcome").asText());
                }
                return record;
            }
        };
    }

    @ReplaceInRegistry
    DeliveryStep deliveryStep() {
        return new DeliveryStep(new PlanExecutor(null, null, null) {
            @Override
            public PlanExecutor.Result execute(WootricPlan plan) {
                attempts.add(plan);
                copiesAtAttempts.add(copies.get());
                anyCopiesAtAttempts.add(anyCopies.get());
                if (failure == null) {
                    return PlanExecutor.Result.DELIVERED;
                }
                throw failure;
            }
        }, new QuickRetries(QUICK_RETRIES, QUICK_RETRY_DELAY_MS, QUICK_RETRY_MAX_DELAY_MS));
    }

    /**
     * A message that counts the copies the error handler makes of it (and of its copies): an exchange's copy copies its
     * message. Copies by anything else (a bean expression copies the exchange it is given) are counted apart.
     */
    private static final class CopyCountingMessage extends DefaultMessage {

        private final AtomicInteger copies;
        private final AtomicInteger anyCopies;

        CopyCountingMessage(CamelContext context, AtomicInteger copies, AtomicInteger anyCopies) {
            super(context);
            this.copies = copies;
            this.anyCopies = anyCopies;
        }

        @Override
        public DefaultMessage newInstance() {
            String copiedBy = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                    .filter(name -> !name.startsWith(CopyCountingMessage.class.getName()) && !name.startsWith("org.apache.camel.support."))
                    .findFirst().orElse(""));
            if (copiedBy.startsWith("org.apache.camel.processor.errorhandler.")) {
                copies.incrementAndGet();
            }
            anyCopies.incrementAndGet();
            return new CopyCountingMessage(getCamelContext(), copies, anyCopies);
        }
    }

    @BeforeEach
    void reset() {
        MockEndpoint.resetMocks(producer.getCamelContext());
        attempts.clear();
        copies.set(0);
        copiesAtAttempts.clear();
        anyCopies.set(0);
        anyCopiesAtAttempts.clear();
        records.clear();
        recordFails = false;
    }

    /** A normalised identify event as the publisher queues it; each test uses its own user, so holds do not meet. */
    private Exchange dispatch(String user, Map<String, Object> extraHeaders) {
        Map<String, Object> headers = new HashMap<>(Map.of(
                HubHeaders.NORMALISED, "true",
                HubHeaders.SEGMENT_TYPE, "identify",
                HubHeaders.GROUP_ID, user,
                HubHeaders.USER_KEY, user,
                HubHeaders.DUPLICATE_ID, "msg-" + user));
        headers.putAll(extraHeaders);
        return producer.send("direct:dispatch", exchange -> {
            exchange.setIn(new CopyCountingMessage(exchange.getContext(), copies, anyCopies));
            exchange.getMessage().setBody(IDENTIFY.formatted(user, user));
            exchange.getMessage().setHeaders(headers);
        });
    }

    @Test
    void aPermanentFailureIsDeadLetteredWithItsHeadersAtOnce() throws Exception {
        failure = new PermanentFailure("wootric_rejected", "Wootric answered 422", 422, "{\"errors\":[\"email\"]}",
                "POST /v1/end_users");
        deadLetters.expectedMessageCount(1);
        parkOrDeadLetter.expectedMessageCount(0);
        Instant before = Instant.now();

        Exchange result = dispatch("perm-1", Map.of());

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(result.getException()).as("handled").isNull();
        assertThat(attempts).as("no in-process retry").hasSize(1);
        Message dead = deadLetters.getReceivedExchanges().get(0).getMessage();
        assertThat(dead.getBody(String.class)).isEqualTo(IDENTIFY.formatted("perm-1", "perm-1"));
        assertThat(dead.getHeader(HubHeaders.REASON)).isEqualTo("wootric_rejected");
        assertThat(dead.getHeader(HubHeaders.HTTP_STATUS, Integer.class)).isEqualTo(422);
        assertThat(dead.getHeader(HubHeaders.RESPONSE_BODY)).isEqualTo("{\"errors\":[\"email\"]}");
        assertThat(dead.getHeader(HubHeaders.WOOTRIC_OPERATION)).isEqualTo("POST /v1/end_users");
        assertThat(dead.getHeader(HubHeaders.ATTEMPT_COUNT, Integer.class)).isEqualTo(1);
        assertThat(dead.getHeader(HubHeaders.EXCEPTION_CLASS)).isEqualTo(PermanentFailure.class.getName());
        assertThat(dead.getHeader(HubHeaders.EXCEPTION_MESSAGE)).isEqualTo("Wootric answered 422");
        assertThat(dead.getHeader(HubHeaders.HUB_VERSION, String.class)).isNotBlank();
        assertThat(Instant.parse(dead.getHeader(HubHeaders.FIRST_FAILURE_AT, String.class))).isAfterOrEqualTo(before);
        assertThat(Instant.parse(dead.getHeader(HubHeaders.LAST_FAILURE_AT, String.class))).isAfterOrEqualTo(before);
        // a dead letter is in no message group, no hold, and no longer a duplicate of its event
        assertThat(dead.getHeaders()).doesNotContainKeys(HubHeaders.GROUP_ID, HubHeaders.DUPLICATE_ID,
                HubHeaders.SCHEDULED_DELIVERY, HubHeaders.HOLD_PLACE, HubHeaders.HOLD_ROUND);
        assertThat(records).containsExactly("dead_lettered");
    }

    @Test
    void aTransientFailureIsParkedOnTheEventsQueueAfterTheInProcessRetries() throws Exception {
        failure = new TransientFailure("wootric_unavailable", "Wootric answered 503", 503, "down", "PUT /v1/end_users/7", null);
        parkOrDeadLetter.expectedMessageCount(1);
        parkOrDeadLetter.expectedHeaderReceived(JmsConstants.JMS_DESTINATION_NAME, "segment.events");
        deadLetters.expectedMessageCount(0);
        long before = System.currentTimeMillis();

        Exchange result = dispatch("trans-1", Map.of());

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(result.getException()).as("handled").isNull();
        assertThat(attempts).as("the first attempt and wootric.retry.in-process-attempts retries").hasSize(3);
        Message parked = parkOrDeadLetter.getReceivedExchanges().get(0).getMessage();
        assertThat(parked.getBody(String.class)).isEqualTo(IDENTIFY.formatted("trans-1", "trans-1"));
        assertThat(parked.getHeader(HubHeaders.SCHEDULED_DELIVERY, Long.class)).isGreaterThan(before);
        assertThat(parked.getHeader(HubHeaders.HOLD_PLACE, Integer.class)).isNotNull();
        assertThat(parked.getHeader(HubHeaders.HOLD_ROUND, Long.class)).isNotNull();
        assertThat(parked.getHeader(HubHeaders.REASON)).isEqualTo("wootric_unavailable");
        assertThat(parked.getHeader(HubHeaders.PARKED_COUNT, Integer.class)).isEqualTo(1);
        assertThat(parked.getHeader(HubHeaders.ATTEMPT_COUNT, Integer.class)).isEqualTo(3);
        assertThat(parked.getHeader(HubHeaders.GROUP_ID)).isEqualTo("trans-1");
        assertThat(parked.getHeader(HubHeaders.DUPLICATE_ID, String.class)).startsWith("msg-trans-1#park-");
        assertThat(Instant.parse(parked.getHeader(HubHeaders.FIRST_FAILURE_AT, String.class)).toEpochMilli())
                .isGreaterThanOrEqualTo(before);
        assertThat(records).containsExactly("parked");
    }

    @Test
    void theDispatchRouteAndTheQuickRetriesCopyNoExchange() throws Exception {
        failure = new TransientFailure("wootric_unavailable", "Wootric answered 503", 503, "down", "PUT /v1/end_users/7", null);
        parkOrDeadLetter.expectedMessageCount(1);

        dispatch("copies-1", Map.of());

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(attempts).hasSize(1 + QUICK_RETRIES);
        // with Camel's redelivery on, the error handler had copied the message 11 times before the first attempt
        assertThat(copiesAtAttempts).as("the error handler's copies of the message at each attempt").containsExactly(0, 0, 0);
        // the parse, the integrations filter and the transformer as bean expressions with arguments made 8 copies
        assertThat(anyCopiesAtAttempts).as("copies by anything before each attempt").containsExactly(0, 0, 0);
    }

    @Test
    void aDeliveredEventIsFinishedOnItsOwnExchange() {
        failure = null;

        Exchange result = dispatch("copies-2", Map.of());

        assertThat(result.getException()).isNull();
        assertThat(attempts).hasSize(1);
        assertThat(records).as("the onCompletion ran").containsExactly("delivered");
        // the onCompletion's default mode (AfterConsumer) runs on a copy of the finished exchange
        assertThat(anyCopies).as("copies of the message, the release of the hold and the outcome record included").hasValue(0);
    }

    @Test
    void anOutcomeRecordThatCannotBeMadeLeavesTheEventFinished() throws Exception {
        failure = null;
        recordFails = true;
        deadLetters.expectedMessageCount(0);
        parkOrDeadLetter.expectedMessageCount(0);
        OutcomeWriter writer = producer.getCamelContext().getRegistry().lookupByNameAndType("outcomeWriter", OutcomeWriter.class);
        long dropped = writer.dropped();

        Exchange result = dispatch("record-fails", Map.of());

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(result.getException()).as("the event is not failed by its record").isNull();
        assertThat(attempts).as("delivered once").hasSize(1);
        assertThat(writer.dropped()).as("counted as a dropped record").isEqualTo(dropped + 1);
    }

    @Test
    void theDispatchRoutesErrorHandlersDoNotRedeliver() throws Exception {
        List<RedeliveryErrorHandler> handlers = new ArrayList<>();
        errorHandlers(producer.getCamelContext().getRoute("dispatch").navigate(), Collections.newSetFromMap(new IdentityHashMap<>()),
                handlers);

        assertThat(handlers).as("the error handlers of the dispatch route's steps").isNotEmpty();
        for (RedeliveryErrorHandler handler : handlers) {
            assertThat(handler.determineIfRedeliveryIsEnabled()).as("redelivery (a defensive copy before each step)").isFalse();
        }
    }

    private static void errorHandlers(Object processor, Set<Object> seen, List<RedeliveryErrorHandler> found) {
        if (processor == null || !seen.add(processor)) {
            return;
        }
        if (processor instanceof Channel channel) {
            if (channel.getErrorHandler() instanceof RedeliveryErrorHandler handler) {
                found.add(handler);
            }
            errorHandlers(channel.getNextProcessor(), seen, found);
        }
        if (processor instanceof Navigate<?> navigate && navigate.hasNext()) {
            for (Object next : navigate.next()) {
                errorHandlers(next, seen, found);
            }
        }
    }

    @Test
    void aParkedEventThatFailsAgainWithinTheMaxAgeIsParkedAgain() throws Exception {
        failure = new TransientFailure("wootric_timeout", "read timed out", 0, null, "GET /v1/end_users", null);
        String firstFailure = Instant.now().minus(Duration.ofSeconds(30)).toString();
        parkOrDeadLetter.expectedMessageCount(1);
        parkOrDeadLetter.expectedHeaderReceived(JmsConstants.JMS_DESTINATION_NAME, "segment.events");
        deadLetters.expectedMessageCount(0);

        dispatch("trans-2", Map.of(HubHeaders.FIRST_FAILURE_AT, firstFailure, HubHeaders.PARKED_COUNT, 2,
                HubHeaders.ATTEMPT_COUNT, 6));

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        Message parked = parkOrDeadLetter.getReceivedExchanges().get(0).getMessage();
        assertThat(parked.getHeader(HubHeaders.FIRST_FAILURE_AT)).isEqualTo(firstFailure);
        assertThat(parked.getHeader(HubHeaders.PARKED_COUNT, Integer.class)).isEqualTo(3);
        assertThat(parked.getHeader(HubHeaders.ATTEMPT_COUNT, Integer.class)).isEqualTo(9);
    }

    @Test
    void aTransientFailureOlderThanTheMaxAgeIsDeadLetteredAsRetriesExhausted() throws Exception {
        failure = new TransientFailure("wootric_unavailable", "Wootric answered 502", 502, "bad gateway", "PUT /v1/end_users/8", null);
        // wootric.retry.max-age is 1 minute here
        String firstFailure = Instant.now().minus(Duration.ofMinutes(2)).toString();
        deadLetters.expectedMessageCount(0);
        parkOrDeadLetter.expectedMessageCount(1);
        parkOrDeadLetter.expectedHeaderReceived(JmsConstants.JMS_DESTINATION_NAME, "wootric.dlq");

        Exchange result = dispatch("exhausted-1", Map.of(HubHeaders.FIRST_FAILURE_AT, firstFailure, HubHeaders.PARKED_COUNT, 5));

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(result.getException()).isNull();
        assertThat(attempts).hasSize(3);
        Message dead = parkOrDeadLetter.getReceivedExchanges().get(0).getMessage();
        assertThat(dead.getHeader(HubHeaders.REASON)).isEqualTo("retries_exhausted");
        assertThat(dead.getHeader(HubHeaders.FIRST_FAILURE_AT)).isEqualTo(firstFailure);
        assertThat(dead.getHeader(HubHeaders.HTTP_STATUS, Integer.class)).isEqualTo(502);
        assertThat(dead.getHeader(HubHeaders.RESPONSE_BODY)).isEqualTo("bad gateway");
        assertThat(dead.getHeader(HubHeaders.WOOTRIC_OPERATION)).isEqualTo("PUT /v1/end_users/8");
        assertThat(dead.getHeader(HubHeaders.EXCEPTION_CLASS)).isEqualTo(TransientFailure.class.getName());
        assertThat(dead.getHeaders()).doesNotContainKeys(HubHeaders.SCHEDULED_DELIVERY, HubHeaders.HOLD_PLACE, HubHeaders.GROUP_ID);
    }

    @Test
    void brokerUnavailableIsNotHandledSoTheJmsTransactionRollsBack() throws Exception {
        failure = new BrokerUnavailable("the broker did not store the events", null);
        deadLetters.expectedMessageCount(0);
        parkOrDeadLetter.expectedMessageCount(0);

        Exchange result = dispatch("broker-1", Map.of());

        assertThat(result.isFailed()).isTrue();
        assertThat(result.getException()).isInstanceOf(BrokerUnavailable.class);
        assertThat(attempts).as("no in-process retry").hasSize(1);
        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
    }

    @Test
    void aFailureWhileWritingTheDeadLetterIsNotSwallowed() throws Exception {
        failure = PermanentFailure.of("mapping_failed", "no way to resolve the user");
        deadLetters.whenAnyExchangeReceived(exchange -> {
            throw new BrokerUnavailable("the broker did not store the dead letter", null);
        });

        Exchange result = dispatch("dlq-down-1", Map.of());

        assertThat(result.isFailed()).isTrue();
        assertThat(result.getException()).isInstanceOf(BrokerUnavailable.class);
    }

    @Test
    void anUnexpectedExceptionIsDeadLetteredAsDeliveryError() throws Exception {
        failure = new IllegalStateException("something nobody planned for");
        deadLetters.expectedMessageCount(1);
        parkOrDeadLetter.expectedMessageCount(0);

        Exchange result = dispatch("unexpected-1", Map.of());

        MockEndpoint.assertIsSatisfied(producer.getCamelContext());
        assertThat(result.getException()).isNull();
        assertThat(attempts).hasSize(1);
        Message dead = deadLetters.getReceivedExchanges().get(0).getMessage();
        assertThat(dead.getHeader(HubHeaders.REASON)).isEqualTo("delivery_error");
        assertThat(dead.getHeader(HubHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(dead.getHeader(HubHeaders.EXCEPTION_MESSAGE)).isEqualTo("something nobody planned for");
        assertThat(dead.getHeader(HubHeaders.ATTEMPT_COUNT, Integer.class)).isEqualTo(1);
        assertThat(dead.getHeaders()).doesNotContainKeys(HubHeaders.HTTP_STATUS, HubHeaders.WOOTRIC_OPERATION);
    }
}
