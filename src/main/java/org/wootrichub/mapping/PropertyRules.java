package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.event.Timestamps;

/**
 * Wootric end-user properties take strings, integers and dates (Unix seconds, key ending in _date); keys may not
 * hold $, . or NUL, values may not be objects or arrays. These rules turn any Segment traits into that form.
 */
public final class PropertyRules {

    private PropertyRules() {
    }

    /** The properties for the given traits, skipping the excluded trait names (top level only). */
    public static Map<String, String> toProperties(JsonNode traits, Set<String> excluded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (traits == null || !traits.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = traits.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!excluded.contains(field.getKey())) {
                put(out, sanitiseKey(field.getKey()), field.getValue());
            }
        }
        return out;
    }

    /** Adds one trait under the given (already sanitised) key, flattening objects with "_". */
    public static void put(Map<String, String> out, String key, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            // an empty value clears the property in Wootric
            out.put(key, "");
        } else if (value.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                put(out, key + "_" + sanitiseKey(field.getKey()), field.getValue());
            }
        } else if (value.isArray()) {
            StringJoiner joined = new StringJoiner(",");
            value.forEach(element -> joined.add(element.isContainerNode() ? SegmentJson.write(element) : scalar(element)));
            out.put(key, joined.toString());
        } else if (value.isTextual() && Timestamps.looksIso(value.asText())) {
            Instant instant = Timestamps.parseIso(value.asText());
            if (instant == null) {
                out.put(key, value.asText());
            } else {
                out.put(key.endsWith("_date") ? key : key + "_date", Long.toString(CreatedAt.roundedSeconds(instant)));
            }
        } else {
            out.put(key, scalar(value));
        }
    }

    private static String scalar(JsonNode value) {
        if (value.isNull()) {
            return "";
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            BigDecimal decimal = value.decimalValue().stripTrailingZeros();
            return decimal.toPlainString();
        }
        return value.asText();
    }

    public static String sanitiseKey(String key) {
        return key.replace('$', '_').replace('.', '_').replace('\0', '_');
    }
}
