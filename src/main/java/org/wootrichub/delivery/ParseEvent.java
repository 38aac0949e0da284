package org.wootrichub.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.event.SegmentJson;

/**
 * The dispatch route's first look at an event: its JSON body parsed once, in exchange property segmentEvent, for the
 * integrations filter and the transformers; the body stays the event's JSON.
 */
public final class ParseEvent implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(HubHeaders.SEGMENT_EVENT, SegmentJson.parse(exchange.getMessage().getBody(String.class)));
    }
}
