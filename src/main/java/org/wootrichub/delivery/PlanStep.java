package org.wootrichub.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.WootricPlan;

/**
 * A step of the plan-event route: one transformer's plan for the exchange's event, in exchange property wootricPlan.
 * The transformers know nothing of Camel; the route calls them through these processors because a bean method named
 * with arguments in a route ({@code plan(${exchangeProperty.segmentEvent})}) is prepared again for every event, the
 * exchange copied and the bean looked up (docs/benchmarks.md, session 6: with the parse and the integrations filter,
 * 18% of a dispatch consumer's samples, most of it that preparation).
 */
public final class PlanStep implements Processor {

    private final Function<Exchange, WootricPlan> plan;

    private PlanStep(Function<Exchange, WootricPlan> plan) {
        this.plan = plan;
    }

    /** The plan a transformer makes of the parsed event (property segmentEvent). */
    public static PlanStep ofEvent(Function<JsonNode, ? extends WootricPlan> transformer) {
        return new PlanStep(exchange -> transformer.apply(exchange.getProperty(HubHeaders.SEGMENT_EVENT, JsonNode.class)));
    }

    /** The plan read from the message body itself (a replayed pending change). */
    public static PlanStep ofBody(Function<String, ? extends WootricPlan> reader) {
        return new PlanStep(exchange -> reader.apply(exchange.getMessage().getBody(String.class)));
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(HubHeaders.WOOTRIC_PLAN, plan.apply(exchange));
    }
}
