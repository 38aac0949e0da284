package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            if (!(node instanceof ObjectNode event)) {
                rejected.add(new RejectedEvent(i, "not_an_object", SegmentJson.write(node)));
                continue;
            }
            // one serialisation per accepted event: the event as sent is written only when it is rejected
            AsSent asSent = AsSent.of(event);
            String reason = reasonFor(event, pathType);
            if (reason != null) {
                String original = SegmentJson.write(asSent.restore(event));
                if (!reason.equals("type_mismatch") && utf8Length(original) > limits.maxEventBytes()) {
                    reason = "event_too_large";
                }
                rejected.add(new RejectedEvent(i, reason, original));
                continue;
            }
            EventNormaliser.normalise(event, batch, receivedAt, clientIp);
            String normalised = SegmentJson.write(event);
            boolean tooLarge = utf8Length(normalised) > limits.maxEventBytes();
            if (tooLarge || asSent.mayBeLarger(event)) {
                // the batch's context and integrations are merged in by now: the limit holds for what is stored
                String original = SegmentJson.write(asSent.restore(event));
                if (tooLarge || utf8Length(original) > limits.maxEventBytes()) {
                    rejected.add(new RejectedEvent(i, "event_too_large", original));
                    continue;
                }
            }
            accepted.add(new QueuedEvent(normalised, SegmentJson.text(event, "messageId"),
                    SegmentJson.userKey(event), SegmentJson.text(event, "type")));
        }
        return new IntakeResult(accepted, rejected, single);
    }

    /**
     * The event as it was sent, kept cheaply while it is judged and normalised: they only add fields (at the top, and
     * inside an object context or integrations) and replace top-level values (type from the path, timestamp), so the
     * top-level values and the names in those two objects are enough to give it back when it is rejected.
     */
    private record AsSent(Map<String, JsonNode> fields, Map<String, Set<String>> nestedNames) {

        private static final List<String> NESTED = List.of("context", "integrations");

        static AsSent of(ObjectNode event) {
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            event.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
            Map<String, Set<String>> nested = new HashMap<>(2);
            for (String name : NESTED) {
                if (event.get(name) instanceof ObjectNode object) {
                    Set<String> names = new HashSet<>();
                    object.fieldNames().forEachRemaining(names::add);
                    nested.put(name, names);
                }
            }
            return new AsSent(fields, nested);
        }

        /** The one way the event as sent can be larger than normalised: a long timestamp replaced by a shorter one. */
        boolean mayBeLarger(ObjectNode normalised) {
            JsonNode before = fields.get("timestamp");
            JsonNode after = normalised.get("timestamp");
            return before != null && before != after && before.toString().length() > (after == null ? 0 : after.toString().length());
        }

        ObjectNode restore(ObjectNode normalised) {
            ObjectNode event = normalised.objectNode();
            fields.forEach((name, value) -> {
                Set<String> names = nestedNames.get(name);
                if (names != null && value instanceof ObjectNode object) {
                    ObjectNode own = event.putObject(name);
                    object.fields().forEachRemaining(e -> {
                        if (names.contains(e.getKey())) {
                            own.set(e.getKey(), e.getValue());
                        }
                    });
                } else {
                    event.set(name, value);
                }
            });
            return event;
        }
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

    /** The length of the text in UTF-8, counted without encoding it (every event is measured). */
    static int utf8Length(String text) {
        int length = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // two bytes below U+0800, three above; a surrogate pair (two chars) is four
                length += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return length;
    }

    /** Why the event cannot be queued, its size aside (checked on what is written), or null. */
    private String reasonFor(ObjectNode event, String pathType) {
        if (pathType != null) {
            String type = SegmentJson.text(event, "type");
            if (type == null) {
                event.put("type", pathType);
            } else if (!type.equals(pathType)) {
                return "type_mismatch";
            }
        }
        return validator.rejectionReason(event, 0);
    }
}
