package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
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

    /** A quoted writeKey value in text that is not JSON: the best that can be done to keep the key out of storage. */
    private static final Pattern WRITE_KEY_TEXT = Pattern.compile("(\"writeKey\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"?");

    public IntakeResult accept(String body) {
        JsonNode root;
        try {
            root = StrictJson.parse(body == null ? "" : body);
        } catch (IngressRejection e) {
            return rejectedWhole(e.code(), body == null ? "" : WRITE_KEY_TEXT.matcher(body).replaceAll("$1\"\""));
        }
        try {
            return intake.read(root, EventIntake.Shape.ANY, null, clock.instant(), null);
        } catch (IngressRejection e) {
            return rejectedWhole(e.code(), SegmentJson.write(EventIntake.withoutWriteKeys(root)));
        }
    }

    private static IntakeResult rejectedWhole(String reason, String json) {
        return new IntakeResult(List.of(), List.of(new RejectedEvent(0, reason, json)), true);
    }
}
