package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.event.SegmentJson;

/** identify → create or update the Wootric end user (mapping spec, "identify"). */
public class IdentifyTransformer {

    private final HubMetrics metrics;

    public IdentifyTransformer(HubMetrics metrics) {
        this.metrics = metrics;
    }

    public WootricPlan plan(JsonNode event) {
        ObjectNode contextTraits = EventFields.contextTraits(event);
        ObjectNode traits = SegmentJson.object(event, "traits");
        ObjectNode merged = SegmentJson.MAPPER.createObjectNode();
        if (contextTraits != null) {
            merged.setAll(contextTraits);
        }
        if (traits != null) {
            merged.setAll(traits);
        }

        String userId = SegmentJson.text(event, "userId");
        // an empty traits.email must not hide the one in context.traits; a userId that is an email is the email
        String email = ReservedTraits.text(traits, "email");
        if (email == null) {
            email = ReservedTraits.text(contextTraits, "email");
        }
        if (email == null) {
            email = EventFields.userIdEmail(event);
        }
        Long createdAt = externalCreatedAt(merged);
        Map<String, String> properties = PropertyRules.toProperties(merged, ReservedTraits.NOT_PROPERTIES);
        EndUserProfile profile = new EndUserProfile(email, userId, createdAt, ReservedTraits.text(merged, "phone"), properties);
        return new WootricPlan.EndUserPlan("identify", EventFields.key(event, email), profile, true, List.of(), null);
    }

    private Long externalCreatedAt(JsonNode traits) {
        JsonNode value = ReservedTraits.value(traits, "createdAt");
        if (value == null) {
            value = ReservedTraits.value(traits, "created");
        }
        if (value == null || value.isNull()) {
            return null;
        }
        OptionalLong seconds = CreatedAt.toUnixSeconds(value);
        if (seconds.isEmpty()) {
            metrics.mappingWarning("identify", "created_at_unparseable");
            return null;
        }
        return seconds.getAsLong();
    }
}
