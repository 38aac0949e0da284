package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/**
 * page → the last page on the end user (page_name, page_path, page_url) for targeted sampling; anonymous users
 * that cannot be resolved nor created are skipped (mapping spec, "page and screen").
 */
public class PageTransformer {

    private final MappingSettings settings;

    public PageTransformer(MappingSettings settings) {
        this.settings = settings;
    }

    public WootricPlan plan(JsonNode event) {
        if (!settings.recordPages()) {
            return new WootricPlan.Skip("page", "page_mode_ignore");
        }
        JsonNode properties = EventFields.properties(event);
        JsonNode contextPage = SegmentJson.object(EventFields.context(event), "page");
        Map<String, String> page = new LinkedHashMap<>();
        putFirst(page, "page_name", SegmentJson.text(event, "name"), SegmentJson.text(properties, "name"));
        putFirst(page, "page_path", SegmentJson.text(properties, "path"), SegmentJson.text(contextPage, "path"));
        putFirst(page, "page_url", SegmentJson.text(properties, "url"), SegmentJson.text(contextPage, "url"));
        return lastSeen("page", event, page);
    }

    /** The plan of page and screen: update the end user with these properties, or skip an anonymous one. */
    static WootricPlan lastSeen(String type, JsonNode event, Map<String, String> properties) {
        if (properties.isEmpty()) {
            return new WootricPlan.Skip(type, "nothing_to_record");
        }
        String email = EventFields.email(event);
        return new WootricPlan.EndUserPlan(type, EventFields.key(event, email),
                EventFields.creatableProfile(event, email, properties), true, List.of(), "anonymous");
    }

    static void putFirst(Map<String, String> out, String key, String first, String fallback) {
        String value = first != null ? first : fallback;
        if (value != null) {
            out.put(key, value);
        }
    }
}
