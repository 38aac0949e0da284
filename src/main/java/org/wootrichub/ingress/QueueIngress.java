package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.RejectedEvent;
import org.wootrichub.event.SegmentJson;

/**
 * Events that other producers put on the events queue as JSON text (one event, an array or a batch object):
 * the same validation and normalisation as the HTTP ingress.
 */
public class QueueIngress {

    private final EventIntake intake;
    private final Clock clock;

    public QueueIngress(IngressLimits limits, Clock clock) {
        this.intake = new EventIntake(limits);
        this.clock = clock;
    }

    public IntakeResult accept(String body) {
        JsonNode root;
        try {
            root = body == null ? null : SegmentJson.MAPPER.readTree(body);
        } catch (Exception e) {
            root = null;
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            return new IntakeResult(List.of(), List.of(new RejectedEvent(0, "invalid_json", body == null ? "" : body)), true);
        }
        try {
            return intake.read(root, EventIntake.Shape.ANY, null, clock.instant(), null);
        } catch (IngressRejection e) {
            return new IntakeResult(List.of(), List.of(new RejectedEvent(0, e.code(), body)), true);
        }
    }
}
