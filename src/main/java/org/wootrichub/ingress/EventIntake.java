package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;
import org.wootrichub.broker.RejectedEvent;
import org.wootrichub.event.SegmentJson;

/**
 * Judges and normalises the events of one request or queue message, one by one, so a bad event in a
 * batch never costs the good ones.
 */
public final class EventIntake {

    /** How the body is shaped: one event, a batch object, or a JSON array of events (webhooks, queue). */
    public enum Shape { SINGLE, BATCH, ANY }

    private final IngressLimits limits;
    private final EventValidator validator;

    public EventIntake(IngressLimits limits) {
        this.limits = limits;
        this.validator = new EventValidator(limits);
    }

    /**
     * @param pathType the type a single-event path implies (identify for /v1/identify), or null
     */
    public IntakeResult read(JsonNode root, Shape shape, String pathType, Instant receivedAt, String clientIp) {
        JsonNode batch = null;
        List<JsonNode> events = new ArrayList<>();
        boolean single;
        if (root.isArray() && shape != Shape.SINGLE) {
            root.forEach(events::add);
            single = false;
        } else if (root.isObject() && root.has("batch") && shape != Shape.SINGLE) {
            if (!root.get("batch").isArray()) {
                throw new IngressRejection(400, "invalid_batch", "batch must be an array of events");
            }
            batch = root;
            root.get("batch").forEach(events::add);
            single = false;
        } else if (shape == Shape.BATCH) {
            throw new IngressRejection(400, "invalid_batch", "expected {\"batch\":[...]}");
        } else {
            events.add(root);
            single = true;
        }
        if (events.size() > limits.maxBatchEvents()) {
            throw new IngressRejection(400, "too_many_events",
                    "a batch holds at most " + limits.maxBatchEvents() + " events, this one has " + events.size());
        }

        List<QueuedEvent> accepted = new ArrayList<>(events.size());
        List<RejectedEvent> rejected = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode node = withoutWriteKey(events.get(i));
            String original = SegmentJson.write(node);
            String reason = reasonFor(node, original, pathType);
            if (reason != null) {
                rejected.add(new RejectedEvent(i, reason, original));
                continue;
            }
            ObjectNode event = (ObjectNode) node;
            EventNormaliser.normalise(event, batch, receivedAt, clientIp);
            String normalised = SegmentJson.write(event);
            if (utf8Length(normalised) > limits.maxEventBytes()) {
                // the batch's context and integrations are merged in by now: the limit holds for what is stored
                rejected.add(new RejectedEvent(i, "event_too_large", original));
                continue;
            }
            accepted.add(new QueuedEvent(normalised, SegmentJson.text(event, "messageId"),
                    SegmentJson.userKey(event), SegmentJson.text(event, "type")));
        }
        return new IntakeResult(accepted, rejected, single);
    }

    /**
     * Removes the write key (a secret) from a request body and its events, so it is never stored anywhere: not with
     * a queued event, a rejected one, or a whole rejected body.
     */
    public static JsonNode withoutWriteKeys(JsonNode root) {
        withoutWriteKey(root);
        JsonNode events = root != null && root.isObject() ? root.get("batch") : root;
        if (events != null && events.isArray()) {
            events.forEach(EventIntake::withoutWriteKey);
        }
        return root;
    }

    private static JsonNode withoutWriteKey(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("writeKey");
        }
        return node;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private String reasonFor(JsonNode node, String serialised, String pathType) {
        if (pathType != null && node instanceof ObjectNode event) {
            String type = SegmentJson.text(event, "type");
            if (type == null) {
                event.put("type", pathType);
            } else if (!type.equals(pathType)) {
                return "type_mismatch";
            }
        }
        return validator.rejectionReason(node, utf8Length(serialised));
    }
}
