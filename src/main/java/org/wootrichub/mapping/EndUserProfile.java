package org.wootrichub.mapping;

import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.wootric.EndUser;

/**
 * End-user fields an event carries; null fields are not sent. Properties follow {@link PropertyRules} (a null value
 * is a trait set to null). {@code updatesEmail} is false for the events whose email only finds or creates the end
 * user (every call but identify): their update never changes the end user's email.
 */
public record EndUserProfile(String email, String externalId, Long externalCreatedAt, String phoneNumber,
        Map<String, String> properties, boolean updatesEmail) {

    public EndUserProfile(String email, String externalId, Long externalCreatedAt, String phoneNumber, Map<String, String> properties) {
        this(email, externalId, externalCreatedAt, phoneNumber, properties, true);
    }

    /** The form fields of a create: every known field; null and empty properties are left out. */
    public Map<String, String> createForm() {
        Map<String, String> form = new LinkedHashMap<>();
        putIfPresent(form, "email", email);
        putIfPresent(form, "external_id", externalId);
        if (externalCreatedAt != null) {
            form.put("external_created_at", externalCreatedAt.toString());
        }
        putIfPresent(form, "phone_number", phoneNumber);
        properties.forEach((k, v) -> {
            if (!PropertyRules.isEmpty(v)) {
                form.put("properties[" + k + "]", v);
            }
        });
        return form;
    }

    /**
     * The form fields of an update of the given end user: never an empty email (nor any email unless
     * {@code updatesEmail}), external_id only where Wootric has none, and the merged property set (the current
     * properties overlaid with these) so that properties set by other sources are never wiped.
     */
    public Map<String, String> updateForm(EndUser current) {
        Map<String, String> form = new LinkedHashMap<>();
        if (updatesEmail) {
            putIfPresent(form, "email", email);
        }
        if (externalId != null && (current.externalId() == null || current.externalId().isBlank())) {
            form.put("external_id", externalId);
        }
        if (externalCreatedAt != null) {
            form.put("external_created_at", externalCreatedAt.toString());
        }
        putIfPresent(form, "phone_number", phoneNumber);
        if (!properties.isEmpty()) {
            merged(current.properties(), properties).forEach((k, v) -> form.put("properties[" + k + "]", v));
        }
        return form;
    }

    /** The current properties overlaid with the new ones; a new null value removes the property. */
    public static Map<String, String> merged(Map<String, String> current, Map<String, String> overlay) {
        Map<String, String> merged = new LinkedHashMap<>(current);
        overlay.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }

    private static void putIfPresent(Map<String, String> form, String key, String value) {
        if (value != null && !value.isBlank()) {
            form.put(key, value);
        }
    }
}
