package org.wootrichub.wootric;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.segment.SegmentJson;

/** An end user as Wootric returns it: id, email, external id and the current properties. */
public record EndUser(String id, String email, String externalId, Map<String, String> properties) {

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
        return new EndUser(id, SegmentJson.text(node, "email"), SegmentJson.text(node, "external_id"), properties);
    }
}
