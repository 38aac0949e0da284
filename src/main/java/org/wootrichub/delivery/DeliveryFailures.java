package org.wootrichub.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubQueues;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.LogValues;
import org.wootrichub.observe.SecretMasker;
import org.wootrichub.wootric.AnswerClassifier;
import org.wootrichub.wootric.DeliveryFailure;

/**
 * What happens to an event whose delivery failed, called from the error handlers of the dispatch route. A dead
 * letter keeps the original event as its body and carries delivery.md's headers; an event whose quick retries are
 * used up is parked on the ingest queue with a scheduled delivery, until wootric.retry.max-age is reached.
 */
public class DeliveryFailures {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    public static final String NEXT_QUEUE = "hubNextQueue";
    public static final String ATTEMPTS = "hubAttempts";
    public static final String PARKED = "hubParkedCount";
    public static final String FIRST_FAILURE = "hubFirstFailureAt";
    public static final String LAST_FAILURE = "hubLastFailureAt";

    private final String ingestQueue;
    private final String deadLetterQueue;
    private final Duration maxAge;
    private final UserHolds holds;
    private final SecretMasker masker;
    private final HubMetrics metrics;
    private final String hubVersion;
    private final Clock clock;

    public DeliveryFailures(String ingestQueue, String deadLetterQueue, Duration maxAge, UserHolds holds,
            SecretMasker masker, HubMetrics metrics, String hubVersion, Clock clock) {
        this.ingestQueue = ingestQueue;
        this.deadLetterQueue = deadLetterQueue;
        this.maxAge = maxAge;
        this.holds = holds;
        this.masker = masker;
        this.metrics = metrics;
        this.hubVersion = hubVersion;
        this.clock = clock;
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
        Integer seq = message.getHeader(UserHolds.SEQ, Integer.class);
        Instant held = holds.firstFailure(user);
        Instant first = held != null ? held : instantHeader(message, FIRST_FAILURE, now);
        if (Duration.between(first, now).compareTo(maxAge) >= 0) {
            message.setHeader(FIRST_FAILURE, first.toString());
            prepareDeadLetter(exchange, "retries_exhausted", failure);
            return;
        }
        UserHolds.Admission parking = holds.failed(user, seq);
        int parked = intHeader(message, PARKED) + 1;
        String reason = failure instanceof DeliveryFailure f ? f.reason() : "delivery_error";
        message.setHeader(ATTEMPTS, attempts(exchange));
        message.setHeader(PARKED, parked);
        message.setHeader(FIRST_FAILURE, first.toString());
        message.setHeader(LAST_FAILURE, now.toString());
        message.setHeader(HubQueues.REASON, reason);
        Parking.park(exchange, parking);
        exchange.setProperty(NEXT_QUEUE, ingestQueue);
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
        message.removeHeader(HubQueues.DUPLICATE_ID);
        message.removeHeader(HubQueues.SCHEDULED_DELIVERY);
        message.removeHeader(UserHolds.ROUND);
        message.removeHeader(HubQueues.GROUP_ID);
        message.setHeader(HubQueues.REASON, reason);
        message.setHeader(ATTEMPTS, attempts(exchange));
        message.setHeader(FIRST_FAILURE, instantHeader(message, FIRST_FAILURE, now).toString());
        message.setHeader(LAST_FAILURE, now.toString());
        message.setHeader("hubVersion", hubVersion);
        if (failure != null) {
            message.setHeader("hubExceptionClass", failure.getClass().getName());
            message.setHeader("hubExceptionMessage", masker.mask(failure.getMessage()));
        }
        if (failure instanceof DeliveryFailure f) {
            if (f.status() > 0) {
                message.setHeader("hubHttpStatus", f.status());
            }
            if (f.responseBody() != null) {
                message.setHeader("hubResponseBody", masker.mask(AnswerClassifier.truncate(f.responseBody())));
            }
            if (f.operation() != null) {
                message.setHeader("hubWootricOperation", f.operation());
            }
        }
        exchange.setProperty(NEXT_QUEUE, deadLetterQueue);
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
        DeliveryFailure last = exchange.getProperty(DeliveryStep.LAST_FAILURE, DeliveryFailure.class);
        if (last != null) {
            return last;
        }
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        DeliveryFailure failure = ObjectHelper.getException(DeliveryFailure.class, caught);
        return failure != null ? failure : caught;
    }

    private static int attempts(Exchange exchange) {
        // a failure before any Wootric call (a transformer's) is one attempt
        int thisDelivery = Math.max(1, exchange.getProperty(DeliveryStep.ATTEMPTS, 0, Integer.class));
        return intHeader(exchange.getMessage(), ATTEMPTS) + thisDelivery;
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
        String type = exchange.getMessage().getHeader(HubQueues.SEGMENT_TYPE, String.class);
        return type == null ? "unknown" : type;
    }

}
