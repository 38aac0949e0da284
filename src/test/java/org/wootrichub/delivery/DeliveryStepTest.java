package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.PermanentFailure;
import org.wootrichub.wootric.TransientFailure;
import org.wootrichub.wootric.WootricAnswer;
import org.wootrichub.wootric.WootricTransport;
import org.wootrichub.wootric.recording.RecordingTransport;
import org.wootrichub.wootric.recording.WootricCall;

/**
 * The dispatch route's delivery step with its quick retries (two here, without waiting): what each attempt leaves on
 * the exchange (its count, the latest failure, its Wootric requests) and no retry once the application stops.
 */
class DeliveryStepTest {

    private static final int RETRIES = 2;

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final List<Long> slept = new ArrayList<>();

    @BeforeEach
    void start() {
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** A step whose plan makes one Wootric request per attempt, then does what {@code outcomes} says (null: delivered). */
    private DeliveryStep step(RuntimeException... outcomes) {
        Iterator<RuntimeException> next = Arrays.asList(outcomes).iterator();
        WootricTransport wootric = new RecordingTransport((method, url, query, form, bearer, apiCall) -> new WootricAnswer(200, "{}",
                Map.of()), Clock.systemUTC());
        return new DeliveryStep(new PlanExecutor(null, null, null) {
            @Override
            public Result execute(WootricPlan plan) {
                wootric.send("PUT", "http://wootric.test/v1/end_users/7", null, "a=b", "token", true);
                RuntimeException outcome = next.next();
                if (outcome != null) {
                    throw outcome;
                }
                return Result.DELIVERED;
            }
        }, new QuickRetries(RETRIES, 1000, 10_000, slept::add, () -> 0.5));
    }

    private static TransientFailure unavailable(int status) {
        return new TransientFailure("wootric_unavailable", "Wootric answered " + status, status, null, "PUT /v1/end_users/7", null);
    }

    private static List<WootricCall> calls(Exchange exchange) {
        return DeliveryStep.calls(exchange);
    }

    @Test
    void aTransientFailureIsRetriedAndEachAttemptIsKept() {
        Exchange exchange = new DefaultExchange(context);
        TransientFailure last = unavailable(502);

        step(unavailable(503), last, null).deliver(exchange);

        assertThat(exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, Integer.class)).isEqualTo(3);
        assertThat(exchange.getProperty(HubHeaders.OUTCOME)).isEqualTo("delivered");
        assertThat(exchange.getProperty(HubHeaders.LATEST_FAILURE)).isSameAs(last);
        assertThat(calls(exchange)).as("the requests of every attempt").hasSize(3);
        assertThat(slept).containsExactly(1000L, 1000L, 1000L);
    }

    @Test
    void afterTheLastRetryTheLastFailureIsThrownAndKept() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(HubHeaders.DELIVERY_ATTEMPTS, 1);
        TransientFailure last = unavailable(504);

        Throwable thrown = catchThrowable(() -> step(unavailable(503), unavailable(502), last).deliver(exchange));

        assertThat(thrown).isSameAs(last);
        assertThat(exchange.getProperty(HubHeaders.LATEST_FAILURE)).isSameAs(last);
        assertThat(exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, Integer.class)).as("counted on").isEqualTo(1 + 1 + RETRIES);
        assertThat(calls(exchange)).hasSize(1 + RETRIES);
    }

    @Test
    void aPermanentFailureAfterATransientOneIsThrownAtOnce() {
        Exchange exchange = new DefaultExchange(context);
        PermanentFailure rejected = PermanentFailure.of("wootric_rejected", "Wootric answered 422");

        Throwable thrown = catchThrowable(() -> step(unavailable(503), rejected, null).deliver(exchange));

        assertThat(thrown).isSameAs(rejected);
        assertThat(exchange.getProperty(HubHeaders.LATEST_FAILURE)).isSameAs(rejected);
        assertThat(exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, Integer.class)).isEqualTo(2);
    }

    @Test
    void noRetryOnceTheApplicationIsStopping() {
        context.stop();
        Exchange exchange = new DefaultExchange(context);
        TransientFailure failure = unavailable(503);

        Throwable thrown = catchThrowable(() -> step(failure, null).deliver(exchange));

        assertThat(thrown).isSameAs(failure);
        assertThat(exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, Integer.class)).isEqualTo(1);
        assertThat(slept).isEmpty();
    }
}
