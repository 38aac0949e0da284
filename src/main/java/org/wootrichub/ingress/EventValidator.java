package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.wootrichub.event.SegmentJson;

/** Judges one Segment event: the reason it cannot be queued, or null when it can. */
public final class EventValidator {

    public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

    private final IngressLimits limits;

    public EventValidator(IngressLimits limits) {
        this.limits = limits;
    }

    /**
     * @param sizeBytes the event's serialised size, checked against the per-event limit
     */
    public String rejectionReason(JsonNode event, int sizeBytes) {
        if (event == null || !event.isObject()) {
            return "not_an_object";
        }
        if (sizeBytes > limits.maxEventBytes()) {
            return "event_too_large";
        }
        String type = SegmentJson.text(event, "type");
        if (type == null) {
            return "missing_type";
        }
        if (!TYPES.contains(type)) {
            return "unknown_type";
        }
        if (SegmentJson.userKey(event) == null) {
            return "missing_user_id";
        }
        String messageId = SegmentJson.text(event, "messageId");
        if (messageId != null && messageId.length() > 100) {
            return "message_id_too_long";
        }
        return switch (type) {
            case "track" -> !event.path("event").isTextual() || SegmentJson.text(event, "event") == null ? "missing_event" : null;
            case "group" -> SegmentJson.text(event, "groupId") == null ? "missing_group_id" : null;
            case "alias" -> SegmentJson.text(event, "previousId") == null ? "missing_previous_id" : null;
            default -> null;
        };
    }
}
