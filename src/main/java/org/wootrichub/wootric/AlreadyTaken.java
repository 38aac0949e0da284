package org.wootrichub.wootric;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wootrichub.event.SegmentJson;

/**
 * Wootric's 422 for a uniqueness validation: Rails' "has already been taken", told apart by the field it names.
 * Rails writes it in several shapes ({"errors": ["Email has already been taken"]}, {"errors": {"email": ["has
 * already been taken"]}}, {"external_id": [...]}, "Validation failed: Phone number has already been taken"), so
 * every string of the answer is read with the field names on its path. Permanent: never retried as it is; the
 * executor recovers from it by field (see PlanExecutor).
 */
public class AlreadyTaken extends PermanentFailure {

    /** The end-user form fields Wootric keeps unique. */
    public enum Field {
        EMAIL("email"), EXTERNAL_ID("external_id"), PHONE_NUMBER("phone_number");

        private final String formKey;

        Field(String formKey) {
            this.formKey = formKey;
        }

        public String formKey() {
            return formKey;
        }
    }

    private static final Pattern TAKEN = Pattern.compile(
            "(e ?mail|external(?: ?id)?|phone(?: ?number)?)[\\s\"'\\]\\[:=,{}]*(?:has )?already been taken");

    private final Set<Field> fields;

    public AlreadyTaken(Set<Field> fields, String message, int status, String responseBody, String operation) {
        super("wootric_rejected", message, status, responseBody, operation);
        this.fields = Set.copyOf(fields);
    }

    /** The fields the answer says are taken (possibly none that the hub knows). */
    public Set<Field> fields() {
        return fields;
    }

    /** The fields a 422 answer body says are already taken; empty when it says nothing of the kind. */
    public static Set<Field> takenFields(String body) {
        EnumSet<Field> taken = EnumSet.noneOf(Field.class);
        if (body == null || !body.toLowerCase(Locale.ROOT).contains("already been taken")) {
            return taken;
        }
        StringBuilder text = new StringBuilder();
        try {
            flatten(SegmentJson.parse(body), "", text);
        } catch (IllegalArgumentException notJson) {
            text.append(body);
        }
        Matcher m = TAKEN.matcher(text.toString().replace('_', ' ').toLowerCase(Locale.ROOT));
        while (m.find()) {
            String field = m.group(1);
            taken.add(field.startsWith("ex") ? Field.EXTERNAL_ID : field.startsWith("e") ? Field.EMAIL : Field.PHONE_NUMBER);
        }
        return taken;
    }

    /** Every string of the answer, one a line, each after the field name it is filed under. */
    private static void flatten(JsonNode node, String field, StringBuilder out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                flatten(f.getValue(), f.getKey(), out);
            }
        } else if (node.isArray()) {
            node.forEach(element -> flatten(element, field, out));
        } else {
            out.append(field).append(' ').append(node.asText()).append('\n');
        }
    }
}
