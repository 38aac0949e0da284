package org.wootrichub.delivery;

import org.apache.camel.Exchange;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.DeliveryFailure;

/**
 * The dispatch route's delivery step: runs the exchange's plan and remembers its latest failure on the exchange.
 * Camel keeps the first exception of a redelivery sequence as the caught one; the error handlers need the last
 * (a 500 that became a 400 is a rejection, not an outage).
 */
public class DeliveryStep {

    public static final String PLAN = "wootricPlan";
    public static final String LAST_FAILURE = "hubLastFailure";
    /** Attempts of this delivery (the quick retries included); parked attempts are counted in a header. */
    public static final String ATTEMPTS = "hubDeliveryAttempts";

    private final PlanExecutor executor;

    public DeliveryStep(PlanExecutor executor) {
        this.executor = executor;
    }

    public void deliver(Exchange exchange) {
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        try {
            executor.execute(exchange.getProperty(PLAN, WootricPlan.class));
        } catch (DeliveryFailure failure) {
            exchange.setProperty(LAST_FAILURE, failure);
            throw failure;
        }
    }
}
