package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.event.Timestamps;

/** Segment's server-side normalisation, applied to every event before it is queued. */
public final class EventNormaliser {

    private EventNormaliser() {
    }

    /**
     * @param batch      the enclosing batch object (its context, integrations and sentAt apply), or null
     * @param receivedAt when the hub received the request
     * @param clientIp   the sender's address for context.ip, or null
     */
    public static void normalise(ObjectNode event, JsonNode batch, Instant receivedAt, String clientIp) {
        if (batch != null) {
            mergeMissing(event, "context", SegmentJson.object(batch, "context"));
            mergeMissing(event, "integrations", SegmentJson.object(batch, "integrations"));
        }
        String received = Timestamps.format(receivedAt);
        event.put("receivedAt", received);

        String sentAtText = SegmentJson.text(event, "sentAt");
        if (sentAtText == null && batch != null) {
            sentAtText = SegmentJson.text(batch, "sentAt");
            if (sentAtText != null) {
                event.put("sentAt", sentAtText);
            }
        }
        String original = SegmentJson.text(event, "originalTimestamp");
        if (original == null) {
            original = SegmentJson.text(event, "timestamp");
        }
        Instant sentAt = Timestamps.parseIso(sentAtText);
        Instant originalAt = Timestamps.parseIso(original);
        if (sentAt != null && originalAt != null) {
            // Segment's clock-skew correction: keep the client's offset between event and send, on the hub's clock.
            Instant corrected = receivedAt.minus(Duration.between(originalAt, sentAt));
            event.put("originalTimestamp", original);
            event.put("timestamp", Timestamps.format(corrected));
        } else if (originalAt == null) {
            event.put("timestamp", received);
        }

        if (SegmentJson.text(event, "messageId") == null) {
            event.put("messageId", UUID.randomUUID().toString());
        }
        if (clientIp != null) {
            ObjectNode context = SegmentJson.object(event, "context");
            if (context == null) {
                context = event.putObject("context");
            }
            if (SegmentJson.text(context, "ip") == null) {
                context.put("ip", clientIp);
            }
        }
    }

    /** Copies the batch-level keys the event does not have itself: the event's own keys win. */
    private static void mergeMissing(ObjectNode event, String field, ObjectNode batchLevel) {
        if (batchLevel == null || batchLevel.isEmpty()) {
            return;
        }
        ObjectNode own = SegmentJson.object(event, field);
        if (own == null) {
            event.set(field, batchLevel.deepCopy());
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = batchLevel.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (!own.has(entry.getKey())) {
                own.set(entry.getKey(), entry.getValue().deepCopy());
            }
        }
    }
}
