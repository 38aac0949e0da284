package org.wootrichub.delivery;

import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.observe.LogValues;

/**
 * The dispatch route's side of {@link UserHolds}: before delivery, a held user's event is parked behind the
 * user's parked events; after an event is finished (delivered, skipped or dead-lettered), its place in the hold
 * is released.
 */
public class Parking {

    private static final Logger LOG = LoggerFactory.getLogger(Parking.class);

    private final UserHolds holds;

    public Parking(UserHolds holds) {
        this.holds = holds;
    }

    public void admit(Exchange exchange) {
        Message message = exchange.getMessage();
        String user = userKey(exchange);
        Integer seq = message.getHeader(HubHeaders.holdPlace(name -> message.getHeader(name) != null), Integer.class);
        Long round = message.getHeader(HubHeaders.holdRound(name -> message.getHeader(name) != null), Long.class);
        // kept on the exchange: a dead letter drops the group header before the hold is released
        exchange.setProperty(HubHeaders.ADMITTED_USER_KEY, user);
        exchange.setProperty(HubHeaders.ADMITTED_HOLD_PLACE, seq);
        UserHolds.Admission admission = holds.admit(user, seq, round);
        if (admission.park()) {
            park(exchange, admission);
            if (seq == null) {
                releaseOnRollback(exchange, holds, user, admission.seq());
            }
        }
        if (LOG.isDebugEnabled()) {
            try (LogValues.EventScope scope = LogValues.event(messageId(exchange), user)) {
                LOG.debug("hold admission: user {} place {} round {} -> {}", LogValues.safe(user), seq,
                        round, admission);
            }
        }
    }

    public void finished(Exchange exchange) {
        if (!exchange.getProperty(HubHeaders.PARKED_NOW, false, Boolean.class)) {
            holds.done(exchange.getProperty(HubHeaders.ADMITTED_USER_KEY, String.class),
                    exchange.getProperty(HubHeaders.ADMITTED_HOLD_PLACE, Integer.class));
        }
    }

    /** The event's user key: the hub's property, else the group, else read from the event. */
    static String userKey(Exchange exchange) {
        String user = exchange.getProperty(HubHeaders.ADMITTED_USER_KEY, String.class);
        if (user == null) {
            user = exchange.getMessage().getHeader(HubHeaders.USER_KEY, String.class);
        }
        if (user == null) {
            user = exchange.getMessage().getHeader(HubHeaders.GROUP_ID, String.class);
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

    /** Marks the exchange's event for the events queue at the admission's time, with its place in the hold. */
    static void park(Exchange exchange, UserHolds.Admission admission) {
        if (admission.behind()) {
            // the same place and round as its park in this round: the duplicate id must still be new (a duplicate
            // rolls the whole transaction back), and the outcome log does not record this moment's wait
            schedule(exchange, admission.deliverAt(), "#behind-" + admission.seq() + "-" + UUID.randomUUID());
            exchange.setProperty(HubHeaders.WENT_BEHIND, true);
        } else {
            schedule(exchange, admission.deliverAt(), "#park-" + admission.round() + "-" + admission.seq());
        }
        exchange.getMessage().setHeader(HubHeaders.HOLD_PLACE, admission.seq());
        exchange.getMessage().setHeader(HubHeaders.HOLD_ROUND, admission.round());
        exchange.setProperty(HubHeaders.PARKED_NOW, true);
    }

    /**
     * A place newly taken in the user's hold is given back if the event's transaction rolls back: the event comes
     * back as it was, without it, and takes a new one; a place kept would hold the user's later events back.
     */
    static void releaseOnRollback(Exchange exchange, UserHolds holds, String user, int place) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                holds.done(user, place);
            }
        });
    }

    /**
     * Marks the exchange's event for the events queue at the given time, in no hold: the user's later events are
     * not held back by it, and its place in a hold (if it had one) is released when the delivery finishes.
     */
    static void parkWithoutHold(Exchange exchange, long deliverAt, String duplicateSuffix) {
        schedule(exchange, deliverAt, duplicateSuffix);
    }

    private static void schedule(Exchange exchange, long deliverAt, String duplicateSuffix) {
        Message message = exchange.getMessage();
        String user = userKey(exchange);
        if (user != null) {
            // the parked copy stays in the user's message group
            message.setHeader(HubHeaders.GROUP_ID, user);
            message.setHeader(HubHeaders.USER_KEY, user);
        }
        for (String hold : HubHeaders.holdHeaders()) {
            // an event parked by the previous version is written again with this version's names
            message.removeHeader(hold);
        }
        message.setHeader(HubHeaders.SCHEDULED_DELIVERY, deliverAt);
        // a new duplicate id per parking: the broker would otherwise drop the parked copy as a duplicate
        message.setHeader(HubHeaders.DUPLICATE_ID, messageId(exchange) + duplicateSuffix);
    }

    static String messageId(Exchange exchange) {
        String id = exchange.getMessage().getHeader(HubHeaders.DUPLICATE_ID, String.class);
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
