package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/** screen → screen_name on the end user, like page (and switched off by the same wootric.page.mode). */
public class ScreenTransformer {

    private final MappingSettings settings;

    public ScreenTransformer(MappingSettings settings) {
        this.settings = settings;
    }

    public WootricPlan plan(JsonNode event) {
        if (!settings.recordPages()) {
            return new WootricPlan.Skip("screen", "page_mode_ignore");
        }
        Map<String, String> screen = new LinkedHashMap<>();
        PageTransformer.putFirst(screen, "screen_name", SegmentJson.text(event, "name"), SegmentJson.text(EventFields.properties(event), "name"));
        return PageTransformer.lastSeen("screen", event, screen);
    }
}
