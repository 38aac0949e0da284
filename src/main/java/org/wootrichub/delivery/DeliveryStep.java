package org.wootrichub.delivery;

import org.apache.camel.Exchange;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.DeliveryFailure;

/**
 * The dispatch route's delivery step: runs the exchange's plan and remembers its latest failure on the exchange.
 * Camel keeps the first exception of a redelivery sequence as the caught one; the error handlers need the last
 * (a 500 that became a 400 is a rejection, not an outage).
 */
public class DeliveryStep {

    private final PlanExecutor executor;

    public DeliveryStep(PlanExecutor executor) {
        this.executor = executor;
    }

    public void deliver(Exchange exchange) {
        exchange.setProperty(HubHeaders.DELIVERY_ATTEMPTS, exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, 0, Integer.class) + 1);
        try {
            executor.execute(exchange.getProperty(HubHeaders.WOOTRIC_PLAN, WootricPlan.class));
        } catch (DeliveryFailure failure) {
            exchange.setProperty(HubHeaders.LATEST_FAILURE, failure);
            throw failure;
        }
    }
}
