package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.StringJoiner;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.event.Timestamps;

/**
 * Wootric end-user properties take strings, integers and dates (Unix seconds, key ending in _date); keys may not
 * hold $, . or NUL, values may not be objects or arrays. These rules turn any Segment traits into that form. A
 * null trait is kept as a null value: left out of a create, removed from the merged set of an update.
 */
public final class PropertyRules {

    private static final Pattern UNSAFE_KEY_CHARACTERS = Pattern.compile("[$.\\[\\]\\p{Cntrl}]");
    private static final Pattern NUMBER = Pattern.compile("^-?\\d+(\\.\\d+)?$");

    private PropertyRules() {
    }

    /**
     * The properties for the given traits, skipping the excluded trait names (top level only, matched as Segment's
     * facade matches them: ignoring case and "_", see {@link ReservedTraits}). A language trait in any spelling
     * becomes "language".
     */
    public static Map<String, String> toProperties(JsonNode traits, Set<String> excluded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (traits == null || !traits.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = traits.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = ReservedTraits.normalise(field.getKey());
            if (excluded.stream().noneMatch(e -> ReservedTraits.normalise(e).equals(name))) {
                put(out, name.equals("language") ? "language" : sanitiseKey(field.getKey()), field.getValue());
            }
        }
        return out;
    }

    /** Adds one trait under the given (already sanitised) key, flattening objects with "_"; an empty key is dropped. */
    public static void put(Map<String, String> out, String key, JsonNode value) {
        if (key.isEmpty()) {
            return;
        }
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.put(key, null);
        } else if (value.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String nested = sanitiseKey(field.getKey());
                if (!nested.isEmpty()) {
                    put(out, key + "_" + nested, field.getValue());
                }
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
        } else if (key.endsWith("_date") && (value.isNumber() || value.isTextual() && NUMBER.matcher(value.asText().trim()).matches())) {
            // a numeric date may be in milliseconds: the created_at rule makes it seconds
            OptionalLong seconds = CreatedAt.toUnixSeconds(value);
            out.put(key, seconds.isPresent() ? Long.toString(seconds.getAsLong()) : scalar(value));
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

    /**
     * A key Wootric stores and Rails reads back as one name: $, . and NUL (Wootric's rule), and [ ] (which Rails'
     * form parser reads as nesting) and control characters become "_". Blank keys become empty (and are dropped).
     */
    public static String sanitiseKey(String key) {
        return key.isBlank() ? "" : UNSAFE_KEY_CHARACTERS.matcher(key).replaceAll("_");
    }

    /** Whether a property value is to be left out of a create: null, empty (also an empty array). */
    public static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }
}
