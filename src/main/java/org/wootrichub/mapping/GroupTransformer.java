package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/** group → group_id and group_&lt;trait&gt; properties on the end user (mapping spec, "group"). */
public class GroupTransformer {

    public WootricPlan plan(JsonNode event) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("group_id", SegmentJson.text(event, "groupId"));
        JsonNode traits = SegmentJson.object(event, "traits");
        if (traits != null) {
            traits.fields().forEachRemaining(trait -> {
                String key = PropertyRules.sanitiseKey(trait.getKey());
                if (!key.isEmpty()) {
                    PropertyRules.put(properties, "group_" + key, trait.getValue());
                }
            });
        }
        // a group's traits describe the company (traits.email is its email, not the user's): only context.traits counts
        String email = SegmentJson.text(EventFields.contextTraits(event), "email");
        return new WootricPlan.EndUserPlan("group", EventFields.key(event, email),
                EventFields.creatableProfile(event, email, properties), true, List.of(), null);
    }
}
