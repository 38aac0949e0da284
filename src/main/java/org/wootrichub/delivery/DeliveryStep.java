package org.wootrichub.delivery;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.recording.CallLog;
import org.wootrichub.wootric.DeliveryFailure;
import org.wootrichub.wootric.recording.WootricCall;

/**
 * The dispatch route's delivery step: runs the exchange's plan and remembers its latest failure on the exchange.
 * Camel keeps the first exception of a redelivery sequence as the caught one; the error handlers need the last
 * (a 500 that became a 400 is a rejection, not an outage). The Wootric requests of every attempt, and how the plan
 * ended, are kept on the exchange for the outcome log.
 */
public class DeliveryStep {

    private final PlanExecutor executor;

    public DeliveryStep(PlanExecutor executor) {
        this.executor = executor;
    }

    public void deliver(Exchange exchange) {
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
