package org.wootrichub.mapping;

import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.wootric.EndUser;

/** End-user fields an event carries; null fields are not sent. Properties follow {@link PropertyRules}. */
public record EndUserProfile(String email, String externalId, Long externalCreatedAt, String phoneNumber,
        Map<String, String> properties) {

    /** The form fields of a create: every known field. */
    public Map<String, String> createForm() {
        Map<String, String> form = new LinkedHashMap<>();
        putIfPresent(form, "email", email);
        putIfPresent(form, "external_id", externalId);
        if (externalCreatedAt != null) {
            form.put("external_created_at", externalCreatedAt.toString());
        }
        putIfPresent(form, "phone_number", phoneNumber);
        properties.forEach((k, v) -> form.put("properties[" + k + "]", v));
        return form;
    }

    /**
     * The form fields of an update of the given end user: never an empty email, external_id only where Wootric has
     * none, and the merged property set (the current properties overlaid with these) so that properties set by
     * other sources are never wiped.
     */
    public Map<String, String> updateForm(EndUser current) {
        Map<String, String> form = new LinkedHashMap<>();
        putIfPresent(form, "email", email);
        if (externalId != null && (current.externalId() == null || current.externalId().isBlank())) {
            form.put("external_id", externalId);
        }
        if (externalCreatedAt != null) {
            form.put("external_created_at", externalCreatedAt.toString());
        }
        putIfPresent(form, "phone_number", phoneNumber);
        if (!properties.isEmpty()) {
            Map<String, String> merged = new LinkedHashMap<>(current.properties());
            merged.putAll(properties);
            merged.forEach((k, v) -> form.put("properties[" + k + "]", v));
        }
        return form;
    }

    private static void putIfPresent(Map<String, String> form, String key, String value) {
        if (value != null && !value.isBlank()) {
            form.put(key, value);
        }
    }
}
