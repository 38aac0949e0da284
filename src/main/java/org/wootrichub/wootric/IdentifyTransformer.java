package org.wootrichub.wootric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.segment.SegmentJson;

/** identify → create or update the Wootric end user (mapping spec, "identify"). */
public class IdentifyTransformer {

    /** Traits that become end-user fields, or identify the user, and so are not properties. */
    static final Set<String> NOT_PROPERTIES = Set.of("email", "createdAt", "created", "phone", "id", "userId", "anonymousId");

    private final HubMetrics metrics;

    public IdentifyTransformer(HubMetrics metrics) {
        this.metrics = metrics;
    }

    public WootricPlan plan(JsonNode event) {
        ObjectNode contextTraits = SegmentJson.object(SegmentJson.object(event, "context"), "traits");
        ObjectNode traits = SegmentJson.object(event, "traits");
        ObjectNode merged = SegmentJson.MAPPER.createObjectNode();
        if (contextTraits != null) {
            merged.setAll(contextTraits);
        }
        if (traits != null) {
            merged.setAll(traits);
        }

        String userId = SegmentJson.text(event, "userId");
        // an empty traits.email must not hide the one in context.traits
        String email = SegmentJson.text(traits, "email");
        if (email == null) {
            email = SegmentJson.text(contextTraits, "email");
        }
        Long createdAt = externalCreatedAt(merged);
        Map<String, String> properties = PropertyRules.toProperties(merged, NOT_PROPERTIES);
        EndUserProfile profile = new EndUserProfile(email, userId, createdAt, SegmentJson.text(merged, "phone"), properties);
        return new WootricPlan("identify", keyOf(event, email), profile, true, List.of());
    }

    private Long externalCreatedAt(JsonNode traits) {
        JsonNode value = traits.hasNonNull("createdAt") ? traits.get("createdAt") : traits.get("created");
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

    /** The end-user key of any event: shared by every transformer. */
    public static EndUserKey keyOf(JsonNode event, String email) {
        String wootricId = null;
        JsonNode externalIds = SegmentJson.object(event, "context") == null ? null : event.get("context").get("externalIds");
        if (externalIds != null && externalIds.isArray()) {
            for (JsonNode externalId : externalIds) {
                if ("wootricEndUserId".equals(SegmentJson.text(externalId, "type"))) {
                    wootricId = SegmentJson.text(externalId, "id");
                    break;
                }
            }
        }
        return new EndUserKey(SegmentJson.userKey(event), wootricId, SegmentJson.text(event, "userId"), email);
    }
}
