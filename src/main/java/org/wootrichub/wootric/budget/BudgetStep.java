package org.wootrichub.wootric.budget;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.wootrichub.RegistryBean;
import org.wootrichub.broker.HubHeaders;

/**
 * The steps of deliver-wootric's API call that ask the account's {@link RateLimiter}: wait for the budget in the call's
 * lane, show Wootric's answer, give the place back. Processors rather than bean methods named with arguments in the
 * route ({@code acquireFor(${exchangeProperty.hubBudgetLane})}), which Camel prepares again on every call: the three
 * of them took 6% of a dispatch consumer's samples in the end-to-end profile (docs/benchmarks.md, session 7).
 *
 * <p>The limiter is found by name on the first call ({@link RegistryBean}): a route test replaces the registry's
 * limiter, and these steps must ask the one the route would ask.
 */
public final class BudgetStep implements Processor {

    private enum Kind { WAIT, OBSERVE, RELEASE }

    private final RegistryBean<RateLimiter> limiter;
    private final Kind kind;

    private BudgetStep(String limiterName, Kind kind) {
        this.limiter = new RegistryBean<>(limiterName, RateLimiter.class);
        this.kind = kind;
    }

    /** Blocks until the call's lane (exchange property hubBudgetLane) has room, and takes the place. */
    public static BudgetStep waitFor(String limiterName) {
        return new BudgetStep(limiterName, Kind.WAIT);
    }

    /** Shows the limiter Wootric's status and rate-limit headers, so that it slows down before a 429. */
    public static BudgetStep observe(String limiterName) {
        return new BudgetStep(limiterName, Kind.OBSERVE);
    }

    /** Gives the call's place in its lane back, whatever the call's end. */
    public static BudgetStep release(String limiterName) {
        return new BudgetStep(limiterName, Kind.RELEASE);
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        RateLimiter budget = limiter.in(exchange.getContext());
        switch (kind) {
            case WAIT -> budget.acquireFor(exchange.getProperty(HubHeaders.BUDGET_LANE, String.class));
            case OBSERVE -> {
                // camel-http sets the status of every answer; without one (no answer) this step is not reached
                Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
                budget.observe(status == null ? 0 : status, exchange.getMessage().getHeaders());
            }
            case RELEASE -> budget.releaseFor(exchange.getProperty(HubHeaders.BUDGET_LANE, String.class));
        }
    }
}
