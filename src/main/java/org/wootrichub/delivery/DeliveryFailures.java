package org.wootrichub.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.LogValues;
import org.wootrichub.observe.SecretMasker;
import org.wootrichub.wootric.AnswerClassifier;
import org.wootrichub.wootric.DeliveryFailure;

/**
 * What happens to an event whose delivery failed, called from the error handlers of the dispatch route. A dead
 * letter keeps the original event as its body and carries delivery.md's headers; an event whose quick retries are
 * used up is parked on the events queue with a scheduled delivery, until wootric.retry.max-age is reached.
 */
public class DeliveryFailures {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    private final String eventsQueue;
    private final String deadLetterQueue;
    private final Duration maxAge;
    private final UserHolds holds;
    private final SecretMasker masker;
    private final HubMetrics metrics;
    private final String hubVersion;
    private final Clock clock;
    private final Duration unknownUserGrace;

    /** The first wait of an event whose user is not known yet; it doubles up to {@link #UNKNOWN_USER_MAX_WAIT}. */
    static final Duration UNKNOWN_USER_FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration UNKNOWN_USER_MAX_WAIT = Duration.ofMinutes(1);

    public DeliveryFailures(String eventsQueue, String deadLetterQueue, Duration maxAge, UserHolds holds,
            SecretMasker masker, HubMetrics metrics, String hubVersion, Clock clock, Duration unknownUserGrace) {
        this.eventsQueue = eventsQueue;
        this.deadLetterQueue = deadLetterQueue;
        this.maxAge = maxAge;
        this.holds = holds;
        this.masker = masker;
        this.metrics = metrics;
        this.hubVersion = hubVersion;
        this.clock = clock;
        this.unknownUserGrace = unknownUserGrace;
    }

    /**
     * An event for a user Wootric does not know yet ({@link UserNotYetKnown}): park it without a hold (its user's
     * later events, among them the identify that creates the user, may pass it), a few seconds at first, doubling,
     * until wootric.unknown-user.grace after it was first seen. After the grace, survey data is dead-lettered
     * end_user_not_found and a property update is skipped (counted). Sets the next queue, or none when skipped.
     */
    public void waitForUser(Exchange exchange) {
        Throwable failure = caught(exchange);
        Message message = exchange.getMessage();
        Instant now = clock.instant();
        Instant since = instantHeader(message, HubHeaders.USER_UNKNOWN_SINCE, now);
        message.setHeader(HubHeaders.USER_UNKNOWN_SINCE, since.toString());
        Instant graceEnds = since.plus(unknownUserGrace);
        if (!now.isBefore(graceEnds)) {
            if (failure instanceof UserNotYetKnown unknown && !unknown.surveyData()) {
                metrics.skipped(type(exchange), UserNotYetKnown.REASON);
                exchange.setProperty(HubHeaders.OUTCOME, "skipped");
                exchange.setProperty(HubHeaders.OUTCOME_REASON, UserNotYetKnown.REASON);
                LOG.info("{} event {}: no Wootric end user after {}; skipped", type(exchange), Parking.messageId(exchange), unknownUserGrace);
            } else {
                message.setHeader(HubHeaders.FIRST_FAILURE_AT, since.toString());
                prepareDeadLetter(exchange, UserNotYetKnown.REASON, failure);
            }
            return;
        }
        int parked = intHeader(message, HubHeaders.PARKED_COUNT) + 1;
        long wait = Math.min(UNKNOWN_USER_FIRST_WAIT.toMillis() << Math.min(parked - 1, 20), UNKNOWN_USER_MAX_WAIT.toMillis());
        long deliverAt = Math.min(now.toEpochMilli() + wait, graceEnds.toEpochMilli());
        message.setHeader(HubHeaders.PARKED_COUNT, parked);
        message.setHeader(HubHeaders.REASON, UserNotYetKnown.REASON);
        Parking.parkWithoutHold(exchange, deliverAt, "#wait-" + parked);
        exchange.setProperty(HubHeaders.NEXT_QUEUE, eventsQueue);
        metrics.parked(type(exchange), "user_not_yet_known");
        LOG.debug("{} event {} waits {} ms for its user's identify (wait {})", type(exchange), Parking.messageId(exchange),
                deliverAt - now.toEpochMilli(), parked);
    }

    /** After a permanent failure: headers of the dead letter; the body stays the original event. */
    public void deadLetter(Exchange exchange) {
        Throwable failure = caught(exchange);
        String reason = failure instanceof DeliveryFailure f ? f.reason() : "delivery_error";
        prepareDeadLetter(exchange, reason, failure);
    }

    /**
     * After the quick retries of a transient failure: park the event for later (the user is held, so the user's
     * later events wait behind it), or dead-letter it when the user's first failure is older than the max age.
     */
    public void retryLater(Exchange exchange) {
        Throwable failure = caught(exchange);
        Message message = exchange.getMessage();
        Instant now = clock.instant();
        String user = Parking.userKey(exchange);
        Integer seq = message.getHeader(HubHeaders.holdPlace(name -> message.getHeader(name) != null), Integer.class);
        Instant held = holds.firstFailure(user);
        Instant first = held != null ? held : instantHeader(message, HubHeaders.FIRST_FAILURE_AT, now);
        if (Duration.between(first, now).compareTo(maxAge) >= 0) {
            message.setHeader(HubHeaders.FIRST_FAILURE_AT, first.toString());
            prepareDeadLetter(exchange, "retries_exhausted", failure);
            return;
        }
        UserHolds.Admission parking = holds.failed(user, seq);
        int parked = intHeader(message, HubHeaders.PARKED_COUNT) + 1;
        String reason = failure instanceof DeliveryFailure f ? f.reason() : "delivery_error";
        message.setHeader(HubHeaders.ATTEMPT_COUNT, attempts(exchange));
        message.setHeader(HubHeaders.PARKED_COUNT, parked);
        message.setHeader(HubHeaders.FIRST_FAILURE_AT, first.toString());
        message.setHeader(HubHeaders.LAST_FAILURE_AT, now.toString());
        message.setHeader(HubHeaders.REASON, reason);
        Parking.park(exchange, parking);
        if (seq == null) {
            Parking.releaseOnRollback(exchange, holds, user, parking.seq());
        }
        exchange.setProperty(HubHeaders.NEXT_QUEUE, eventsQueue);
        metrics.parked(type(exchange), reason);
        String messageId = Parking.messageId(exchange);
        try (LogValues.EventScope scope = LogValues.event(messageId, user)) {
            LOG.debug("hold failure: user {} place {} -> {}", LogValues.safe(user), seq, parking);
            LOG.warn("Delivery of {} event {} failed ({}); parked for {} ms (parking {})", LogValues.safe(type(exchange)),
                    LogValues.safe(messageId), failureText(failure, "?"), parking.deliverAt() - now.toEpochMilli(), parked);
        }
    }

    private void prepareDeadLetter(Exchange exchange, String reason, Throwable failure) {
        Message message = exchange.getMessage();
        Instant now = clock.instant();
        message.removeHeader(HubHeaders.DUPLICATE_ID);
        message.removeHeader(HubHeaders.SCHEDULED_DELIVERY);
        for (String hold : HubHeaders.holdHeaders()) {
            // a dead letter is in no user's hold
            message.removeHeader(hold);
        }
        message.removeHeader(HubHeaders.GROUP_ID);
        message.setHeader(HubHeaders.REASON, reason);
        message.setHeader(HubHeaders.ATTEMPT_COUNT, attempts(exchange));
        message.setHeader(HubHeaders.FIRST_FAILURE_AT, instantHeader(message, HubHeaders.FIRST_FAILURE_AT, now).toString());
        message.setHeader(HubHeaders.LAST_FAILURE_AT, now.toString());
        message.setHeader(HubHeaders.HUB_VERSION, hubVersion);
        if (failure != null) {
            message.setHeader(HubHeaders.EXCEPTION_CLASS, failure.getClass().getName());
            message.setHeader(HubHeaders.EXCEPTION_MESSAGE, masker.mask(failure.getMessage()));
        }
        if (failure instanceof DeliveryFailure f) {
            if (f.status() > 0) {
                message.setHeader(HubHeaders.HTTP_STATUS, f.status());
            }
            if (f.responseBody() != null) {
                message.setHeader(HubHeaders.RESPONSE_BODY, masker.mask(AnswerClassifier.truncate(f.responseBody())));
            }
            if (f.operation() != null) {
                message.setHeader(HubHeaders.WOOTRIC_OPERATION, f.operation());
            }
        }
        exchange.setProperty(HubHeaders.NEXT_QUEUE, deadLetterQueue);
        metrics.deadLettered(type(exchange), reason);
        String messageId = Parking.messageId(exchange);
        try (LogValues.EventScope scope = LogValues.event(messageId, Parking.userKey(exchange))) {
            LOG.error("Dead letter: {} event {} → {} ({}): {}", LogValues.safe(type(exchange)), LogValues.safe(messageId),
                    deadLetterQueue, reason, failureText(failure, ""));
        }
    }

    /** A failure's message for a log line: secrets masked, and escaped, since it may quote the event. */
    private String failureText(Throwable failure, String none) {
        return failure == null ? none : LogValues.safe(masker.mask(failure.getMessage()));
    }

    /** The failure, unwrapped from Camel's wrappers (a transformer's failure arrives inside an expression error). */
    private static Throwable caught(Exchange exchange) {
        DeliveryFailure last = exchange.getProperty(HubHeaders.LATEST_FAILURE, DeliveryFailure.class);
        if (last != null) {
            return last;
        }
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        DeliveryFailure failure = ObjectHelper.getException(DeliveryFailure.class, caught);
        return failure != null ? failure : caught;
    }

    private static int attempts(Exchange exchange) {
        // a failure before any Wootric call (a transformer's) is one attempt
        int thisDelivery = Math.max(1, exchange.getProperty(HubHeaders.DELIVERY_ATTEMPTS, 0, Integer.class));
        return intHeader(exchange.getMessage(), HubHeaders.ATTEMPT_COUNT) + thisDelivery;
    }

    private static int intHeader(Message message, String name) {
        Integer value = message.getHeader(name, Integer.class);
        return value == null ? 0 : value;
    }

    private static Instant instantHeader(Message message, String name, Instant fallback) {
        String value = message.getHeader(name, String.class);
        try {
            return value == null ? fallback : Instant.parse(value);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    private static String type(Exchange exchange) {
        String type = exchange.getMessage().getHeader(HubHeaders.SEGMENT_TYPE, String.class);
        return type == null ? "unknown" : type;
    }

}
