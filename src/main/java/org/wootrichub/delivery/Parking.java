package org.wootrichub.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubQueues;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.observe.LogValues;

/**
 * The dispatch route's side of {@link UserHolds}: before delivery, a held user's event is parked behind the
 * user's parked events; after an event is finished (delivered, skipped or dead-lettered), its place in the hold
 * is released.
 */
public class Parking {

    private static final Logger LOG = LoggerFactory.getLogger(Parking.class);

    /** Exchange property: the event was parked (not finished) by this exchange. */
    public static final String PARKED = "hubParked";
    private static final String USER = "hubUserKey";
    private static final String SEQ = "hubHoldPlace";

    private final UserHolds holds;

    public Parking(UserHolds holds) {
        this.holds = holds;
    }

    public void admit(Exchange exchange) {
        Message message = exchange.getMessage();
        String user = userKey(exchange);
        Integer seq = message.getHeader(UserHolds.SEQ, Integer.class);
        // kept on the exchange: a dead letter drops the group header before the hold is released
        exchange.setProperty(USER, user);
        exchange.setProperty(SEQ, seq);
        UserHolds.Admission admission = holds.admit(user, seq, message.getHeader(UserHolds.ROUND, Long.class));
        if (admission.park()) {
            park(exchange, admission);
        }
        if (LOG.isDebugEnabled()) {
            try (LogValues.EventScope scope = LogValues.event(messageId(exchange), user)) {
                LOG.debug("hold admission: user {} place {} round {} -> {}", LogValues.safe(user), seq,
                        LogValues.safe(message.getHeader(UserHolds.ROUND)), admission);
            }
        }
    }

    public void finished(Exchange exchange) {
        if (!exchange.getProperty(PARKED, false, Boolean.class)) {
            holds.done(exchange.getProperty(USER, String.class), exchange.getProperty(SEQ, Integer.class));
        }
    }

    /** The event's user key: the hub's property, else the group, else read from the event. */
    static String userKey(Exchange exchange) {
        String user = exchange.getProperty(USER, String.class);
        if (user == null) {
            user = exchange.getMessage().getHeader(HubQueues.USER_KEY, String.class);
        }
        if (user == null) {
            user = exchange.getMessage().getHeader(HubQueues.GROUP_ID, String.class);
        }
        if (user == null) {
            try {
                user = SegmentJson.userKey(SegmentJson.parse(exchange.getMessage().getBody(String.class)));
            } catch (RuntimeException e) {
                user = null;
            }
        }
        return user;
    }

    /** Marks the exchange's event for the ingest queue at the admission's time, with its place in the hold. */
    static void park(Exchange exchange, UserHolds.Admission admission) {
        Message message = exchange.getMessage();
        String user = userKey(exchange);
        if (user != null) {
            // the parked copy stays in the user's message group
            message.setHeader(HubQueues.GROUP_ID, user);
            message.setHeader(HubQueues.USER_KEY, user);
        }
        message.setHeader(UserHolds.SEQ, admission.seq());
        message.setHeader(UserHolds.ROUND, admission.round());
        message.setHeader(HubQueues.SCHEDULED_DELIVERY, admission.deliverAt());
        // a new duplicate id per parking: the broker would otherwise drop the parked copy as a duplicate
        message.setHeader(HubQueues.DUPLICATE_ID, messageId(exchange) + "#park-" + admission.round() + "-" + admission.seq());
        exchange.setProperty(PARKED, true);
    }

    static String messageId(Exchange exchange) {
        String id = exchange.getMessage().getHeader(HubQueues.DUPLICATE_ID, String.class);
        if (id != null) {
            int cut = id.indexOf('#');
            return cut < 0 ? id : id.substring(0, cut);
        }
        try {
            return SegmentJson.text(SegmentJson.parse(exchange.getMessage().getBody(String.class)), "messageId");
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
