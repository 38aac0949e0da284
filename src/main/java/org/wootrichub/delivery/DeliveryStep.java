package org.wootrichub.delivery;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.StatefulService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.observe.LogValues;
import org.wootrichub.wootric.recording.CallLog;
import org.wootrichub.wootric.DeliveryFailure;
import org.wootrichub.wootric.TransientFailure;
import org.wootrichub.wootric.recording.WootricCall;

/**
 * The dispatch route's delivery step: runs the exchange's plan, and again after a transient failure (the quick
 * retries, {@link QuickRetries}: the route's error handler does not redeliver, so Camel makes no defensive copy of
 * the exchange before each step). Each attempt is counted, and the latest failure kept on the exchange for the error
 * handlers (a 500 that became a 400 is a rejection, not an outage). The Wootric requests of every attempt, and how the
 * plan ended, are kept on the exchange for the outcome log. An attempt changes no message header or body, so a retry
 * needs nothing put back.
 */
public class DeliveryStep implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStep.class);

    private final PlanExecutor executor;
    private final QuickRetries quickRetries;

    public DeliveryStep(PlanExecutor executor, QuickRetries quickRetries) {
        this.executor = executor;
        this.quickRetries = quickRetries;
    }

    @Override
    public void process(Exchange exchange) {
        deliver(exchange);
    }

    public void deliver(Exchange exchange) {
        quickRetries.run(() -> attempt(exchange), () -> stopping(exchange),
                (failure, retry, delay) -> logRetry(exchange, failure, retry, delay));
    }

    private void attempt(Exchange exchange) {
        exchange.setProperty(HubHeaders.DELIVERY_ATTEMPTS, exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, 0, Integer.class) + 1);
        try (CallLog.Open log = CallLog.into(calls(exchange))) {
            PlanExecutor.Result result = executor.execute(exchange.getProperty(HubHeaders.WOOTRIC_PLAN, WootricPlan.class));
            if (result != null) {
                exchange.setProperty(HubHeaders.OUTCOME, result.outcome());
                exchange.setProperty(HubHeaders.OUTCOME_REASON, result.reason());
            }
        } catch (DeliveryFailure failure) {
            exchange.setProperty(HubHeaders.LATEST_FAILURE, failure);
            throw failure;
        }
    }

    /**
     * No quick retry once the application, or the route's consumer, is stopping (as Camel's redelivery with
     * allowRedeliveryWhileStopping false): the error handler parks the event instead.
     */
    static boolean stopping(Exchange exchange) {
        CamelContext context = exchange.getContext();
        if (context.isStopping() || context.isStopped()) {
            return true;
        }
        Route route = exchange.getFromRouteId() == null ? null : context.getRoute(exchange.getFromRouteId());
        return route != null && route.getConsumer() instanceof StatefulService consumer
                && (consumer.isStopping() || consumer.isStopped() || consumer.isSuspending() || consumer.isSuspended());
    }

    private static void logRetry(Exchange exchange, TransientFailure failure, int retry, long delay) {
        if (LOG.isDebugEnabled()) {
            String messageId = Parking.messageId(exchange);
            try (LogValues.EventScope scope = LogValues.event(messageId, Parking.userKey(exchange))) {
                LOG.debug("Delivery of event {} failed ({}, status {}, {}); quick retry {} in {} ms", LogValues.safe(messageId),
                        failure.reason(), failure.status(), LogValues.safe(failure.operation()), retry, delay);
            }
        }
    }

    /** The Wootric requests of this delivery so far (quick retries add theirs). */
    @SuppressWarnings("unchecked")
    public static List<WootricCall> calls(Exchange exchange) {
        List<WootricCall> calls = exchange.getProperty(HubHeaders.WOOTRIC_CALLS, List.class);
        if (calls == null) {
            calls = new ArrayList<>();
            exchange.setProperty(HubHeaders.WOOTRIC_CALLS, calls);
        }
        return calls;
    }
}
