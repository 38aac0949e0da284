package org.wootrichub.mapping;

import org.wootrichub.wootric.PermanentFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/**
 * track → a survey response, a decline, a survey trigger (end-user settings), or, for any other event, the event
 * name recorded on the end user for Wootric's targeted sampling (mapping spec, "track").
 */
public class TrackTransformer {

    enum Kind { RESPONSE, DECLINE, SURVEY_TRIGGER, OTHER }

    private final MappingSettings settings;

    public TrackTransformer(MappingSettings settings) {
        this.settings = settings;
    }

    public WootricPlan plan(JsonNode event) {
        String name = SegmentJson.text(event, "event");
        String email = EventFields.email(event);
        EndUserKey key = EventFields.key(event, email);
        Map<String, String> traitProperties = EventFields.contextTraitProperties(event);
        EndUserProfile creatable = EventFields.creatableProfile(event, email, traitProperties);
        return switch (kind(event, name)) {
            case RESPONSE -> new WootricPlan.EndUserPlan("track", key, creatable, false,
                    List.of(new EndUserCall("POST", "/responses", responseForm(event), traitProperties)), null);
            case DECLINE -> new WootricPlan.EndUserPlan("track", key, creatable, false,
                    List.of(new EndUserCall("POST", "/declines", declineForm(event), traitProperties)), null);
            case SURVEY_TRIGGER -> new WootricPlan.EndUserPlan("track", key, creatable, false,
                    List.of(new EndUserCall("PUT", "/settings", Map.of(isMobile(event) ? "force_mobile_survey" : "force_web_survey", "true"))), null);
            case OTHER -> settings.recordOtherEvents()
                    ? new WootricPlan.EndUserPlan("track", key, EventFields.creatableProfile(event, email, otherEventProperties(event, name)),
                            true, List.of(), null)
                    : new WootricPlan.Skip("track", "other_events_ignored");
        };
    }

    Kind kind(JsonNode event, String name) {
        String eventType = integrationEventType(event);
        if (settings.responseEvents().contains(name) || "create response".equals(eventType)) {
            return Kind.RESPONSE;
        }
        if (settings.declineEvents().contains(name) || "create decline".equals(eventType)) {
            return Kind.DECLINE;
        }
        if (settings.surveyTriggerEvents().contains(name)) {
            return Kind.SURVEY_TRIGGER;
        }
        return Kind.OTHER;
    }

    /** integrations.Wootric.eventType (or under any catalog name of the destination, in any case), lower case, or null. */
    static String integrationEventType(JsonNode event) {
        ObjectNode integrations = SegmentJson.object(event, "integrations");
        if (integrations == null) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = integrations.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (IntegrationsFilter.namesWootric(field.getKey()) && field.getValue().isObject()) {
                String eventType = SegmentJson.text(field.getValue(), "eventType");
                if (eventType != null) {
                    return eventType.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                }
            }
        }
        return null;
    }

    private Map<String, String> responseForm(JsonNode event) {
        ObjectNode properties = EventFields.properties(event);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("score", Integer.toString(score(properties)));
        String text = SegmentJson.text(properties, "text");
        putIfPresent(form, "text", text != null ? text : SegmentJson.text(properties, "feedbackText"));
        putIfPresent(form, "ip_address", SegmentJson.text(EventFields.context(event), "ip"));
        form.putAll(declineForm(event));
        return form;
    }

    /** origin_url and created_at (a response's too); the end user's properties are added by the executor. */
    private Map<String, String> declineForm(JsonNode event) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("origin_url", originUrl(event));
        form.put("created_at", Long.toString(EventFields.eventSeconds(event)));
        return form;
    }

    private static Map<String, String> otherEventProperties(JsonNode event, String name) {
        Map<String, String> properties = new LinkedHashMap<>();
        // exactly as sent: targeted sampling matches the name exactly
        properties.put("custom_event_name", name);
        String language = SegmentJson.text(EventFields.properties(event), "language");
        if (language != null) {
            properties.put("language", language);
        }
        return properties;
    }

    /** properties.score or feedbackScore: an integer 0-10, as a number or digit string; anything else is a dead letter. */
    static int score(ObjectNode properties) {
        JsonNode value = properties == null ? null : properties.hasNonNull("score") ? properties.get("score") : properties.get("feedbackScore");
        Integer score = null;
        if (value != null && value.isNumber() && !Double.isNaN(value.asDouble()) && !Double.isInfinite(value.asDouble())
                && value.decimalValue().stripTrailingZeros().scale() <= 0) {
            score = value.decimalValue().compareTo(java.math.BigDecimal.valueOf(100)) < 0 ? value.decimalValue().intValue() : null;
        } else if (value != null && value.isTextual() && value.asText().trim().matches("\\d{1,2}")) {
            score = Integer.parseInt(value.asText().trim());
        }
        if (score == null || score < 0 || score > 10) {
            throw PermanentFailure.of("invalid_score", "the response score must be an integer from 0 to 10, got "
                    + (value == null ? "none" : value.toString()));
        }
        return score;
    }

    /** context.page.url, else properties.url, else context.app.namespace (a mobile app), else "": always sent. */
    static String originUrl(JsonNode event) {
        ObjectNode context = EventFields.context(event);
        String url = SegmentJson.text(SegmentJson.object(context, "page"), "url");
        if (url == null) {
            url = SegmentJson.text(EventFields.properties(event), "url");
        }
        if (url == null) {
            url = SegmentJson.text(SegmentJson.object(context, "app"), "namespace");
        }
        return url == null ? "" : url;
    }

    static boolean isMobile(JsonNode event) {
        ObjectNode context = EventFields.context(event);
        String device = SegmentJson.text(SegmentJson.object(context, "device"), "type");
        String os = SegmentJson.text(SegmentJson.object(context, "os"), "name");
        return isMobileName(device) || isMobileName(os);
    }

    private static boolean isMobileName(String name) {
        if (name == null) {
            return false;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.equals("ios") || n.equals("android");
    }

    private static void putIfPresent(Map<String, String> form, String key, String value) {
        if (value != null) {
            form.put(key, value);
        }
    }
}
