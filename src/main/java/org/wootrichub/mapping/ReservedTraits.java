package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Segment's reserved traits, read the way Segment's facade reads them (obj-case): ignoring case and "_", so
 * {@code created_at}, {@code CreatedAt} and {@code createdAt} are one trait. The ones that become end-user fields,
 * or identify the user, are not properties.
 */
public final class ReservedTraits {

    /** Reserved traits that are not properties, normalised. */
    public static final Set<String> NOT_PROPERTIES = Set.of("email", "createdat", "created", "phone", "id", "userid", "anonymousid");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private ReservedTraits() {
    }

    /** The name as the facade compares it: lower case, without "_". */
    public static String normalise(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** The first non-null value of the trait of this (canonical) name, in any spelling; null when absent. */
    public static JsonNode value(JsonNode traits, String name) {
        if (traits == null || !traits.isObject()) {
            return null;
        }
        String wanted = normalise(name);
        Iterator<Map.Entry<String, JsonNode>> fields = traits.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (normalise(field.getKey()).equals(wanted) && !field.getValue().isNull()) {
                return field.getValue();
            }
        }
        return null;
    }

    /** The trait's text, in any spelling; null when absent, blank or not a scalar. */
    public static String text(JsonNode traits, String name) {
        JsonNode value = value(traits, name);
        if (value == null || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    public static boolean isEmail(String text) {
        return text != null && EMAIL.matcher(text.trim()).matches();
    }
}
