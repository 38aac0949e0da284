package org.wootrichub.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What one request or queue message yields: events to queue and events rejected one by one. */
public record IntakeResult(List<QueuedEvent> accepted, List<RejectedEvent> rejected, boolean singleEvent) {

    /** The reply body Segment clients understand: any 2xx with a JSON body is success. */
    public String replyJson() {
        ObjectNode reply = SegmentJson.MAPPER.createObjectNode().put("success", true);
        if (!rejected.isEmpty()) {
            reply.put("accepted", accepted.size());
            ArrayNode list = reply.putArray("rejected");
            rejected.forEach(r -> list.addObject().put("index", r.index()).put("reason", r.reason()));
        }
        return SegmentJson.write(reply);
    }
}
