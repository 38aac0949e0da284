package org.wootrichub.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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
 * <p>A change still there at the next sweep belongs to a live owner that waits for the budget: it is woken again
 * only after {@link #WAKE_AGAIN_AFTER_PERIODS} periods, in case that owner died since (a live owner ignores it).
 */
public class PendingSweep extends PeriodicService {

    private static final Logger LOG = LoggerFactory.getLogger(PendingSweep.class);

    /** Sends a wake-up for each of these pending changes. */
    @FunctionalInterface
    public interface Waker {
        void wake(List<PendingChange> changes);
    }

    /** A change woken this many periods ago and still not held here is woken again: its owner may have died since. */
    static final int WAKE_AGAIN_AFTER_PERIODS = 4;

    private final PendingChanges pending;
    private final Supplier<List<PendingChange>> stored;
    private final Waker waker;
    private final Duration every;
    private final LongSupplier clock;
    /** When each change (by id) was last woken by this instance. */
    private final Map<String, Long> woken = new HashMap<>();

    /**
     * @param every how often the pending queue is swept, and how quiet a change must be to be woken: a newer one
     *              may still be on its way to the instance that merged it; zero turns the sweep off
     */
    public PendingSweep(PendingChanges pending, Supplier<List<PendingChange>> stored, Waker waker, Duration every, LongSupplier clock) {
        super("hub-pending-sweep", every);
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
        long now = clock.getAsLong();
        long wokenBefore = now - WAKE_AGAIN_AFTER_PERIODS * every.toMillis();
        Set<String> present = new HashSet<>();
        List<PendingChange> toWake = new ArrayList<>();
        for (PendingChange change : stored.get()) {
            present.add(change.changeId());
            Long wokenAt = woken.get(change.changeId());
            if (!pending.has(change.userKey()) && change.lastAt() <= quietSince && (wokenAt == null || wokenAt <= wokenBefore)) {
                toWake.add(change);
            }
        }
        // forget the changes sent or replaced since: the map stays as small as the pending queue
        woken.keySet().retainAll(present);
        if (!toWake.isEmpty()) {
            // remembered only once sent: a wake-up that failed is tried again at the next sweep
            waker.wake(toWake);
            toWake.forEach(change -> woken.put(change.changeId(), now));
            LOG.info("Woke the message-group owners of {} pending changes not held by this instance", toWake.size());
        }
        return toWake.size();
    }

    @Override
    protected void runPeriodically() {
        sweep();
    }
}
