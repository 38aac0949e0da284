package org.wootrichub.delivery;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.LogValues;
import org.wootrichub.wootric.budget.BudgetLane;
import org.wootrichub.wootric.DeliveryFailure;
import org.wootrichub.wootric.budget.RateLimiter;
import org.wootrichub.wootric.TransientFailure;

/**
 * Sends the users' pending changes, one PUT each, oldest due change first, whenever the budget has room in the
 * property lane (after survey data, never in the reserve). A change is removed from the pending queue once Wootric
 * has it. A held user's change waits for the user's parked events (they are older). A transient failure tries again
 * later (backoff); a change whose user Wootric does not know after wootric.unknown-user.grace is skipped (counted); a
 * rejected one is dead-lettered with its reason.
 */
public class PendingFlusher extends ServiceSupport implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingFlusher.class);
    /** How often the flusher looks again when nothing is due. */
    static final long IDLE_MILLIS = 50;
    /** A change not (yet) found on the broker this recently merged may still be in an uncommitted transaction. */
    static final long UNCOMMITTED_MILLIS = 5_000;

    /** What the flusher needs from the rest of the hub. */
    public record Parts(PendingChanges pending, PendingStore store, PlanExecutor executor, RateLimiter limiter, UserHolds holds,
            HubMetrics metrics, String deadLetterQueue) {
    }

    /** Its settings: retry backoff and the unknown-user grace. */
    public record Timing(Duration retryInitialDelay, Duration retryMaxDelay, Duration unknownUserGrace) {
    }

    private final Parts parts;
    private final Timing timing;
    private final LongSupplier clock;
    private volatile boolean running;
    private Thread thread;

    public PendingFlusher(Parts parts, Timing timing, LongSupplier clock) {
        this.parts = parts;
        this.timing = timing;
        this.clock = clock;
    }

    @Override
    protected void doStart() {
        running = true;
        thread = new Thread(this, "pending-flusher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(10_000);
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                parts.limiter().awaitRoom(BudgetLane.PROPERTY);
                PendingChange next = parts.pending().claimNextDue(parts.holds()::isHeld);
                if (next == null) {
                    Thread.sleep(IDLE_MILLIS);
                } else {
                    flush(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("The pending-changes flusher failed: {}", e.toString());
            }
        }
    }

    /** Sends one claimed change; the claim always ends. */
    void flush(PendingChange change) {
        PendingChanges pending = parts.pending();
        long now = clock.getAsLong();
        try {
            if (!parts.store().holds(change)) {
                if (now - change.lastAt() < UNCOMMITTED_MILLIS) {
                    pending.retryLater(change, timing.retryInitialDelay().toMillis());
                } else {
                    // replaced or removed on the broker by another instance, or its transaction rolled back (the
                    // event comes again): what the broker holds is the truth
                    LOG.debug("pending change of {} is no longer on the broker; forgotten", change.userKey());
                    pending.done(change);
                }
                return;
            }
            if (parts.executor().deliver(change.plan())) {
                change.events().forEach((type, count) -> parts.metrics().delivered(type, count));
                parts.metrics().callsSaved(change.eventCount() - 1);
            } else {
                change.events().forEach((type, count) -> parts.metrics().skipped(type, "anonymous", count));
            }
            finished(change);
        } catch (UserNotYetKnown unknown) {
            if (now - change.firstAt() >= timing.unknownUserGrace().toMillis()) {
                change.events().forEach((type, count) -> parts.metrics().skipped(type, UserNotYetKnown.REASON, count));
                LOG.info("pending change of {}: no Wootric end user after {}; skipped", change.userKey(), timing.unknownUserGrace());
                finished(change);
            } else {
                retryLater(change);
            }
        } catch (TransientFailure failure) {
            LOG.warn("Sending the pending change of {} failed ({}); tried again later", change.userKey(), failure.getMessage());
            retryLater(change);
        } catch (DeliveryFailure failure) {
            parts.store().deadLetter(parts.deadLetterQueue(), change, failure.reason(), failure.getMessage());
            LOG.error("Dead letter: pending change of {} ({} events) → {} ({})", LogValues.safe(change.userKey()), change.eventCount(),
                    parts.deadLetterQueue(), failure.reason());
            change.events().forEach((type, count) -> parts.metrics().deadLettered(type, failure.reason(), count));
            finished(change);
        } catch (RuntimeException e) {
            retryLater(change);
            throw e;
        }
    }

    private void finished(PendingChange change) {
        parts.store().remove(change);
        parts.pending().done(change);
    }

    private void retryLater(PendingChange change) {
        int failures = parts.pending().failures(change.userKey());
        long delay = Math.min(timing.retryInitialDelay().toMillis() << Math.min(failures, 20), timing.retryMaxDelay().toMillis());
        parts.pending().retryLater(change, delay);
    }
}
