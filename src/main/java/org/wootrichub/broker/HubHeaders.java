package org.wootrichub.broker;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.util.function.Predicate;

/**
 * Every name the hub gives to a message header or an exchange property, in one place. Message headers are JMS
 * properties: they travel with an event on the broker (on the events queue, parked, rejected or dead-lettered), so
 * they are a contract with the previous version of the hub and with operators. Exchange properties live only while
 * one delivery runs. The route files use the same strings.
 */
public final class HubHeaders {

    // --- an event on the events queue, as the publisher (or a replay) writes it

    /** "true" on an event already validated and normalised by the hub's ingress. */
    public static final String NORMALISED = "hubNormalised";
    /** The Segment call type of a normalised event. */
    public static final String SEGMENT_TYPE = "segmentType";
    /**
     * The user key (userId, else anonymousId) as a plain property: Camel does not map JMSXGroupID back into a
     * header on consume, and holds need to know the user of a parked event.
     */
    public static final String USER_KEY = "hubUserKey";
    /** JMS message group: one user's events go to one consumer, in order. */
    public static final String GROUP_ID = "JMSXGroupID";
    /** Artemis duplicate detection: the event's messageId (plus a suffix for a parked copy or a replay). */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    // --- a parked event: scheduled again on the events queue, in its user's hold

    /** Artemis scheduled delivery time (epoch millis). */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** The event's place in its user's hold. */
    public static final String HOLD_PLACE = "hubHoldPlace";
    /** The round (epoch millis) the parked event is scheduled for; every event of a round is scheduled together. */
    public static final String HOLD_ROUND = "hubHoldRound";
    /** How often the event has been parked. */
    public static final String PARKED_COUNT = "hubParkedCount";
    /** Delivery attempts before this one (quick retries included). */
    public static final String ATTEMPT_COUNT = "hubAttempts";
    /** When the user's first delivery failure happened (ISO-8601): the start of wootric.retry.max-age. */
    public static final String FIRST_FAILURE_AT = "hubFirstFailureAt";
    /** When the latest failure happened (ISO-8601). */
    public static final String LAST_FAILURE_AT = "hubLastFailureAt";
    /**
     * When the event was first found to be for a user Wootric does not know yet (ISO-8601): the start of
     * wootric.unknown-user.grace, while it waits for the user's identify.
     */
    public static final String USER_UNKNOWN_SINCE = "hubUserUnknownSince";
    /** Why the event is parked, rejected (segment.rejected) or dead-lettered (wootric.dlq). */
    public static final String REASON = "hubReason";

    // --- a user's pending property changes (coalescing): one message per user on the last-value queue hub.queues.pending,
    // keyed by USER_KEY, replaced as the user's changes merge

    /** The id of one merged state of a user's pending changes: a flush removes the pending message only if it still has it. */
    public static final String CHANGE_ID = "hubChangeId";
    /**
     * "true" on a wake-up for a user's pending change (not an event): sent in the user's message group, so the
     * instance that now receives the user's events adopts the change from the pending queue, if it does not have it.
     */
    public static final String PENDING_WAKE = "hubPendingWake";

    /** The names of {@link #HOLD_PLACE} and {@link #HOLD_ROUND} written by hub 0.1 on the events it parked. */
    private static final String HOLD_PLACE_BEFORE_0_2 = "hubHoldSeq";
    private static final String HOLD_ROUND_BEFORE_0_2 = "hubHoldDue";

    // --- a dead letter adds these to the parked event's headers

    public static final String HTTP_STATUS = "hubHttpStatus";
    /** Wootric's answer, first 4 KB, secrets masked. */
    public static final String RESPONSE_BODY = "hubResponseBody";
    /** The Wootric call that failed, such as "PUT /v1/end_users/{id}". */
    public static final String WOOTRIC_OPERATION = "hubWootricOperation";
    public static final String EXCEPTION_CLASS = "hubExceptionClass";
    /** Secrets masked. */
    public static final String EXCEPTION_MESSAGE = "hubExceptionMessage";
    public static final String HUB_VERSION = "hubVersion";
    /** On a replayed event: the JMS id of the dead letter it came from. */
    public static final String REPLAY_OF = "hubReplayOf";

    // --- a record of the outcome log (queue hub.outcomes): the event's messageId, and USER_KEY, to search by

    public static final String MESSAGE_ID = "hubMessageId";

    // --- exchange properties of one delivery (dispatch route, delivery-errors route configuration)

    /** The parsed Segment event (a Jackson tree). */
    public static final String SEGMENT_EVENT = "segmentEvent";
    /** The transformer's plan of Wootric calls. */
    public static final String WOOTRIC_PLAN = "wootricPlan";
    /** Attempts of this delivery, the quick retries included. */
    public static final String DELIVERY_ATTEMPTS = "hubDeliveryAttempts";
    /** The failure of this delivery's last attempt (DeliveryStep), unwrapped: what the error handlers judge. */
    public static final String LATEST_FAILURE = "hubLatestFailure";
    /** The queue a failed event goes to next: the events queue (parked) or the dead-letter queue. */
    public static final String NEXT_QUEUE = "hubNextQueue";
    /** true when this delivery parked the event instead of finishing it. */
    public static final String PARKED_NOW = "hubParkedNow";
    /** true when the event only went back behind an earlier parked event of its user, for a moment: not an outcome. */
    public static final String WENT_BEHIND = "hubWentBehind";
    /** The user key and hold place the event was admitted with, kept for releasing the hold at the end. */
    public static final String ADMITTED_USER_KEY = "hubAdmittedUserKey";
    public static final String ADMITTED_HOLD_PLACE = "hubAdmittedHoldPlace";
    /** How the delivery ended when it neither failed nor parked: delivered or skipped (with OUTCOME_REASON). */
    public static final String OUTCOME = "hubOutcome";
    public static final String OUTCOME_REASON = "hubOutcomeReason";
    /** The Wootric requests of this delivery (a list of WootricCall), for the outcome log. */
    public static final String WOOTRIC_CALLS = "hubWootricCalls";

    /**
     * The Wootric budget lane of an API call ({@code survey} or {@code property}), read by the rate limiter: a header
     * from the transport, kept as an exchange property of the same name while the call is in flight.
     */
    public static final String BUDGET_LANE = "hubBudgetLane";
    /** true when the event's property changes were merged into its user's pending changes instead of sent now. */
    public static final String COALESCED = "hubCoalesced";
    /** The user's merged pending changes (JSON) that the dispatch route writes to the pending queue. */
    public static final String PENDING_CHANGE = "hubPendingChange";
    /** The pending changes this delivery carries (or sends first): removed once it succeeds. */
    public static final String CARRIED_CHANGE = "hubCarriedChange";

    private HubHeaders() {
    }

    /** The header that carries a parked event's hold place: this version's name, or the one written before 0.2. */
    public static String holdPlace(Predicate<String> carried) {
        return carried.test(HOLD_PLACE) || !carried.test(HOLD_PLACE_BEFORE_0_2) ? HOLD_PLACE : HOLD_PLACE_BEFORE_0_2;
    }

    /** The header that carries a parked event's hold round: this version's name, or the one written before 0.2. */
    public static String holdRound(Predicate<String> carried) {
        return carried.test(HOLD_ROUND) || !carried.test(HOLD_ROUND_BEFORE_0_2) ? HOLD_ROUND : HOLD_ROUND_BEFORE_0_2;
    }

    /** The hold headers of every version, to remove before a message is written again. */
    public static String[] holdHeaders() {
        return new String[] {HOLD_PLACE, HOLD_ROUND, HOLD_PLACE_BEFORE_0_2, HOLD_ROUND_BEFORE_0_2};
    }

    /** Stamps a wake-up for a user's pending change: in the user's message group, so its owner (or a new one) gets it. */
    public static void stampPendingWake(Message message, String userKey) throws JMSException {
        message.setStringProperty(PENDING_WAKE, "true");
        message.setStringProperty(GROUP_ID, userKey);
        message.setStringProperty(USER_KEY, userKey);
    }

    /** Stamps a normalised event for the events queue: its type, its user's message group, its duplicate id. */
    public static void stampQueuedEvent(Message message, String type, String userKey, String duplicateId) throws JMSException {
        stampQueuedEvent(message::setStringProperty, type, userKey, duplicateId);
    }

    /**
     * The same stamp through any setter of string properties: the embedded broker's own session sets them on the
     * broker's message, with JMS's names (Artemis's MessageUtil maps JMSXGroupID to the message group as the JMS
     * client does), so an event reads the same whichever way it was stored.
     */
    public static <E extends Exception> void stampQueuedEvent(StringProperties<E> message, String type, String userKey,
            String duplicateId) throws E {
        message.set(NORMALISED, "true");
        message.set(SEGMENT_TYPE, type);
        message.set(GROUP_ID, userKey);
        message.set(USER_KEY, userKey);
        message.set(DUPLICATE_ID, duplicateId);
    }

    /** Sets a message's string property by its JMS name. */
    @FunctionalInterface
    public interface StringProperties<E extends Exception> {
        void set(String name, String value) throws E;
    }
}
