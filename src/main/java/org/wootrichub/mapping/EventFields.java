package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.event.Timestamps;

/** Reads the parts of a Segment event that every transformer needs. */
public final class EventFields {

    /** Traits that become end-user fields, or identify the user, and so are not properties. */
    public static final Set<String> NOT_PROPERTIES = Set.of("email", "createdAt", "created", "phone", "id", "userId", "anonymousId");

    private EventFields() {
    }

    public static ObjectNode context(JsonNode event) {
        return SegmentJson.object(event, "context");
    }

    public static ObjectNode contextTraits(JsonNode event) {
        return SegmentJson.object(context(event), "traits");
    }

    public static ObjectNode properties(JsonNode event) {
        return SegmentJson.object(event, "properties");
    }

    /** traits.email, else context.traits.email, else (track) properties.email; never an empty one. */
    public static String email(JsonNode event) {
        String email = SegmentJson.text(SegmentJson.object(event, "traits"), "email");
        if (email == null) {
            email = SegmentJson.text(contextTraits(event), "email");
        }
        if (email == null) {
            email = SegmentJson.text(properties(event), "email");
        }
        return email;
    }

    /** The end-user key of any event: remembered user key, Wootric id from context.externalIds, userId, email. */
    public static EndUserKey key(JsonNode event, String email) {
        String wootricId = null;
        JsonNode externalIds = context(event) == null ? null : context(event).get("externalIds");
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

    /** context.traits as Wootric properties (the property rules, without the fields that are not properties). */
    public static Map<String, String> contextTraitProperties(JsonNode event) {
        return PropertyRules.toProperties(contextTraits(event), NOT_PROPERTIES);
    }

    /** The event time (the normalised timestamp) in Unix seconds. */
    public static long eventSeconds(JsonNode event) {
        Instant at = Timestamps.parseIso(SegmentJson.text(event, "timestamp"));
        if (at == null) {
            at = Timestamps.parseIso(SegmentJson.text(event, "receivedAt"));
        }
        return CreatedAt.roundedSeconds(at == null ? Instant.now() : at);
    }

    /** A profile that can create the end user of a non-identify event: its email, userId and the given properties. */
    public static EndUserProfile creatableProfile(JsonNode event, String email, Map<String, String> properties) {
        return new EndUserProfile(email, SegmentJson.text(event, "userId"), null, null, properties);
    }
}
