package org.wootrichub.broker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.wootrichub.event.SegmentJson;

/**
 * The parked events waiting on the events queue (Artemis scheduled messages), read through the broker's management
 * address, so that the hub can rebuild its user holds when it starts.
 */
public final class ParkedEvents {

    /** One parked event: its user, its place in the user's hold, its round and first failure (ISO-8601 or null). */
    public record Parked(String userKey, int seq, long round, String firstFailure) {
    }

    private ParkedEvents() {
    }

    /** How many parked (scheduled) events the queue holds. */
    public static long count(BrokerManagement broker, String queue) throws Exception {
        return ((Number) broker.queueAttribute(queue, "scheduledCount")).longValue();
    }

    public static List<Parked> list(BrokerManagement broker, String queue) throws Exception {
        List<Parked> parked = new ArrayList<>();
        for (JsonNode message : SegmentJson.parse((String) broker.queueOperation(queue, "listScheduledMessagesAsJSON"))) {
            String user = SegmentJson.text(message, HubHeaders.USER_KEY);
            JsonNode seq = message.get(HubHeaders.holdPlace(message::has));
            JsonNode round = message.get(HubHeaders.holdRound(message::has));
            if (user != null && seq != null && round != null) {
                parked.add(new Parked(user, seq.asInt(), round.asLong(), SegmentJson.text(message, HubHeaders.FIRST_FAILURE_AT)));
            }
        }
        return parked;
    }
}
