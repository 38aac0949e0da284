package org.wootrichub.wootric;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/**
 * An end user as Wootric returns it. {@code propertiesKnown} says whether {@code properties} is the current set
 * (just read from Wootric, or remembered and still fresh) and so can be merged into without a lookup.
 */
public record EndUser(String id, String email, String externalId, Map<String, String> properties, boolean propertiesKnown) {

    public EndUser(String id, String email, String externalId, Map<String, String> properties) {
        this(id, email, externalId, properties, true);
    }

    /** Reads an end-user object, or the first of an array (lookups may answer either way). */
    public static EndUser fromJson(JsonNode node) {
        if (node != null && node.isArray()) {
            node = node.isEmpty() ? null : node.get(0);
        }
        String id = SegmentJson.text(node, "id");
        if (id == null) {
            return null;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        JsonNode props = node.get("properties");
        if (props != null && props.isObject()) {
            props.fields().forEachRemaining(e -> {
                // stored properties are scalars already; anything else is re-sent as Wootric gave it
                JsonNode v = e.getValue();
                properties.put(e.getKey(), v.isNull() ? "" : v.isValueNode() ? v.asText() : SegmentJson.write(v));
            });
        }
        return new EndUser(id, SegmentJson.text(node, "email"), SegmentJson.text(node, "external_id"), properties, true);
    }

    /** The end user after an update or create with these fields was accepted. */
    public EndUser with(Map<String, String> form) {
        Map<String, String> merged = new LinkedHashMap<>(properties);
        form.forEach((k, v) -> {
            if (k.startsWith("properties[") && k.endsWith("]")) {
                merged.put(k.substring(11, k.length() - 1), v);
            }
        });
        String newEmail = form.getOrDefault("email", email);
        String newExternalId = form.getOrDefault("external_id", externalId);
        return new EndUser(id, newEmail, newExternalId, merged, propertiesKnown);
    }

    /** The end user with exactly these properties. */
    public EndUser withProperties(Map<String, String> current) {
        return new EndUser(id, email, externalId, new LinkedHashMap<>(current), propertiesKnown);
    }
}
