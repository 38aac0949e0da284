package org.wootrichub.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the pending changes on the broker that no running instance is sending, and has them adopted. A change is
 * sent by the instance that holds it in memory, the one that merged it (it receives the user's message group). When
 * that instance dies, its users' changes wait on the broker until each user's next event, which may never come.
 *
 * <p>This instance cannot tell a dead writer from a live one, so it takes nothing itself: for a change it does not
 * hold, it sends a wake-up in the user's message group. The broker gives it to the group's owner, which holds the
 * change already (nothing happens), or, when the owner is gone, to the instance that takes the group over and with it
 * the change. So each change is sent by one instance, in order with the user's events; this is also how a restarting
 * instance picks up what was left pending, without sending twice the changes that a running instance holds.
 *
 * <p>Each change (by its id) is woken once by this instance; a change still there at the next sweep belongs to a
 * live owner that waits for the budget.
 */
public class PendingSweep extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(PendingSweep.class);

    /** Sends the wake-ups for these users' pending changes. */
    @FunctionalInterface
    public interface Waker {
        void wake(List<String> userKeys);
    }

    private final PendingChanges pending;
    private final Supplier<List<PendingChange>> stored;
    private final Waker waker;
    private final Duration every;
    private final LongSupplier clock;
    private final Set<String> woken = new HashSet<>();
    private ScheduledExecutorService timer;

    /**
     * @param every how often the pending queue is swept, and how quiet a change must be to be woken: a newer one
     *              may still be on its way to the instance that merged it; zero turns the sweep off
     */
    public PendingSweep(PendingChanges pending, Supplier<List<PendingChange>> stored, Waker waker, Duration every, LongSupplier clock) {
        this.pending = pending;
        this.stored = stored;
        this.waker = waker;
        this.every = every;
        this.clock = clock;
    }

    /** At start: every change on the broker that this instance does not hold, however recent. */
    public int wakeAll() {
        return sweep(Long.MAX_VALUE);
    }

    /** Wakes the changes not held here and quiet for a whole period; returns how many. */
    synchronized int sweep() {
        return sweep(clock.getAsLong() - every.toMillis());
    }

    private synchronized int sweep(long quietSince) {
        Set<String> present = new HashSet<>();
        Set<String> toWake = new HashSet<>();
        List<String> users = new ArrayList<>();
        for (PendingChange change : stored.get()) {
            present.add(change.changeId());
            if (!pending.has(change.userKey()) && change.lastAt() <= quietSince && !woken.contains(change.changeId())) {
                toWake.add(change.changeId());
                users.add(change.userKey());
            }
        }
        // forget the changes sent or replaced since: the set stays as small as the pending queue
        woken.retainAll(present);
        if (!users.isEmpty()) {
            // remembered only once sent: a wake-up that failed is tried again at the next sweep
            waker.wake(users);
            woken.addAll(toWake);
            LOG.info("Woke the message-group owners of {} pending changes not held by this instance", users.size());
        }
        return users.size();
    }

    @Override
    protected void doStart() {
        if (every.isZero() || every.isNegative()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "hub-pending-sweep");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::sweepQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // the next sweep tries again
            LOG.warn("Could not sweep the pending changes ({})", e.getMessage());
        }
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
