package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.wootrichub.event.SegmentJson;

/**
 * Segment's integrations object: {@code Wootric: false} (or InMoment, or "InMoment (formerly Wootric)") turns the event off for this destination;
 * {@code All: false} does too, unless Wootric is named with true or an options object.
 */
public final class IntegrationsFilter {

    private IntegrationsFilter() {
    }

    /** Segment's catalog names of the destination, lower case: its names before and after the InMoment rename. */
    private static final Set<String> NAMES = Set.of("wootric", "inmoment", "inmoment (formerly wootric)");

    /** Whether an integrations key names this destination (any catalog name, in any case). */
    public static boolean namesWootric(String key) {
        return NAMES.contains(key.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
    }

    public static boolean excludes(JsonNode event) {
        JsonNode integrations = SegmentJson.object(event, "integrations");
        if (integrations == null) {
            return false;
        }
        JsonNode wootric = null;
        JsonNode all = null;
        Iterator<Map.Entry<String, JsonNode>> fields = integrations.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (namesWootric(field.getKey())) {
                if (wootric == null || field.getValue().isBoolean() && !field.getValue().asBoolean()) {
                    wootric = field.getValue();
                }
            } else if (name.equals("all")) {
                all = field.getValue();
            }
        }
        if (wootric != null && wootric.isBoolean() && !wootric.asBoolean()) {
            return true;
        }
        boolean named = wootric != null && (wootric.isObject() || (wootric.isBoolean() && wootric.asBoolean()));
        return all != null && all.isBoolean() && !all.asBoolean() && !named;
    }
}
