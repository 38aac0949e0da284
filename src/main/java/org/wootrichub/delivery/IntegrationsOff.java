package org.wootrichub.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.IntegrationsFilter;

/** Whether the parsed event (property segmentEvent) turns Wootric off in its integrations object. */
public final class IntegrationsOff implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        return IntegrationsFilter.excludes(exchange.getProperty(HubHeaders.SEGMENT_EVENT, JsonNode.class));
    }
}
