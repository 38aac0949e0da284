package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.event.Timestamps;

/** Reads the parts of a Segment event that every transformer needs. */
public final class EventFields {

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

    /**
     * traits.email, else context.traits.email, else (track) properties.email, in any spelling of the trait; else a
     * userId that is an email (Segment's facade does the same); never an empty one.
     */
    public static String email(JsonNode event) {
        String email = ReservedTraits.text(SegmentJson.object(event, "traits"), "email");
        if (email == null) {
            email = ReservedTraits.text(contextTraits(event), "email");
        }
        if (email == null) {
            email = ReservedTraits.text(properties(event), "email");
        }
        return email != null ? email : userIdEmail(event);
    }

    /** The userId when it is an email, else null. */
    public static String userIdEmail(JsonNode event) {
        String userId = SegmentJson.text(event, "userId");
        return ReservedTraits.isEmail(userId) ? userId.trim() : null;
    }

    /**
     * The end-user key of any event: remembered user key, Wootric id from context.externalIds (Segment) or
     * context.externalId (RudderStack's singular form), userId, email.
     */
    public static EndUserKey key(JsonNode event, String email) {
        String wootricId = wootricId(context(event), "externalIds");
        if (wootricId == null) {
            wootricId = wootricId(context(event), "externalId");
        }
        return new EndUserKey(SegmentJson.userKey(event), wootricId, SegmentJson.text(event, "userId"), email);
    }

    private static String wootricId(JsonNode context, String field) {
        JsonNode externalIds = context == null ? null : context.get(field);
        if (externalIds != null && externalIds.isObject()) {
            externalIds = SegmentJson.MAPPER.createArrayNode().add(externalIds);
        }
        if (externalIds != null && externalIds.isArray()) {
            for (JsonNode externalId : externalIds) {
                if ("wootricEndUserId".equalsIgnoreCase(SegmentJson.text(externalId, "type"))) {
                    return SegmentJson.text(externalId, "id");
                }
            }
        }
        return null;
    }

    /** context.traits as Wootric properties (the property rules, without the fields that are not properties). */
    public static Map<String, String> contextTraitProperties(JsonNode event) {
        return PropertyRules.toProperties(contextTraits(event), ReservedTraits.NOT_PROPERTIES);
    }

    /** The event time (the normalised timestamp) in Unix seconds. */
    public static long eventSeconds(JsonNode event) {
        Instant at = Timestamps.parseIso(SegmentJson.text(event, "timestamp"));
        if (at == null) {
            at = Timestamps.parseIso(SegmentJson.text(event, "receivedAt"));
        }
        return CreatedAt.roundedSeconds(at == null ? Instant.now() : at);
    }

    /**
     * A profile that can create the end user of a non-identify event: its email, userId and the given properties.
     * The email only finds or creates the end user: it may be someone else's (an invitee's properties.email), so an
     * update never changes the end user's email with it.
     */
    public static EndUserProfile creatableProfile(JsonNode event, String email, Map<String, String> properties) {
        return new EndUserProfile(email, SegmentJson.text(event, "userId"), null, null, properties, false);
    }
}
