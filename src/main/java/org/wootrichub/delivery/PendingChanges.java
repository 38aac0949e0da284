package org.wootrichub.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The pending changes of the users this hub instance delivers for, in memory: a copy of what the pending queue on
 * the broker holds (written in the same transaction as the events it merges), so it grows with the number of users
 * who have pending changes, not with the number of events. A change is due once it has been quiet for
 * {@code quiet} (no newer change merged), or once its oldest part is {@code maxDelay} old; due changes go oldest
 * first. A change being sent (flushed, or carried by a survey call) is claimed, so it is sent once.
 */
public class PendingChanges implements MeterBinder {

    /** A change merged this recently may not be committed on the broker yet: even an overdue one waits this long. */
    static final long SETTLE_MILLIS = 250;
    /** How long a claim holds when its holder never says it is done (a delivery that was parked, say). */
    static final long CLAIM_MILLIS = 30_000;

    private static final class Entry {
        PendingChange change;
        long claimedUntil;
        long notBefore;
        int failures;
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final long quietMillis;
    private final long maxDelayMillis;
    private final LongSupplier clock;

    public PendingChanges(Duration quiet, Duration maxDelay, LongSupplier clock) {
        this.quietMillis = quiet.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
        this.clock = clock;
    }

    /** Merges a user's new change after its pending one (if any); returns the merged change. */
    public synchronized PendingChange merge(PendingChange change) {
        Entry entry = entries.computeIfAbsent(change.userKey(), k -> new Entry());
        entry.change = entry.change == null ? change : entry.change.merge(change);
        return entry.change;
    }

    /** A change read from the broker (at start, or for a user whose events this instance now receives). */
    public synchronized void restore(PendingChange change) {
        Entry entry = entries.computeIfAbsent(change.userKey(), k -> new Entry());
        if (entry.change == null) {
            entry.change = change;
        }
    }

    public synchronized boolean has(String userKey) {
        return entries.containsKey(userKey);
    }

    /**
     * The user's pending change, claimed for a survey call that carries it; waits up to {@code wait} while a flush
     * of it is under way (the survey then follows that flush). Null when there is none.
     */
    public synchronized PendingChange claimForCarry(String userKey, Duration wait) throws InterruptedException {
        long deadline = clock.getAsLong() + wait.toMillis();
        while (true) {
            Entry entry = entries.get(userKey);
            if (entry == null) {
                return null;
            }
            long now = clock.getAsLong();
            if (entry.claimedUntil <= now || now >= deadline) {
                entry.claimedUntil = now + CLAIM_MILLIS;
                return entry.change;
            }
            wait(Math.max(1, Math.min(entry.claimedUntil, deadline) - now));
        }
    }

    /** The oldest due change of a user that is not held, claimed for a flush; null when none is due. */
    public synchronized PendingChange claimNextDue(Predicate<String> held) {
        long now = clock.getAsLong();
        Entry next = null;
        for (Entry entry : entries.values()) {
            if (due(entry, now) && (next == null || entry.change.firstAt() < next.change.firstAt())
                    && !held.test(entry.change.userKey())) {
                next = entry;
            }
        }
        if (next == null) {
            return null;
        }
        next.claimedUntil = Long.MAX_VALUE;
        return next.change;
    }

    /** The change was sent (or given up on): forgotten unless a newer change was merged meanwhile; the claim ends. */
    public synchronized void done(PendingChange change) {
        Entry entry = entries.get(change.userKey());
        if (entry != null) {
            if (entry.change.changeId().equals(change.changeId())) {
                entries.remove(change.userKey());
            } else {
                entry.claimedUntil = 0;
                entry.failures = 0;
            }
        }
        notifyAll();
    }

    /** The change could not be sent now: tried again after the delay (doubling with {@link #failures}); the claim ends. */
    public synchronized int retryLater(PendingChange change, long delayMillis) {
        Entry entry = entries.get(change.userKey());
        notifyAll();
        if (entry == null) {
            return 0;
        }
        entry.claimedUntil = 0;
        entry.notBefore = clock.getAsLong() + delayMillis;
        return ++entry.failures;
    }

    /** How often in a row the user's change failed to be sent. */
    public synchronized int failures(String userKey) {
        Entry entry = entries.get(userKey);
        return entry == null ? 0 : entry.failures;
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Users whose change is due and waits for the budget (the property lane's queue). */
    public synchronized int dueCount() {
        long now = clock.getAsLong();
        return (int) entries.values().stream().filter(entry -> due(entry, now)).count();
    }

    /** Age of the oldest pending change, in seconds (0 when there is none). */
    public synchronized double oldestAgeSeconds() {
        long now = clock.getAsLong();
        return entries.values().stream().mapToLong(entry -> now - entry.change.firstAt()).max().orElse(0) / 1000.0;
    }

    private boolean due(Entry entry, long now) {
        PendingChange change = entry.change;
        long quietFor = now - change.lastAt();
        return entry.claimedUntil <= now && entry.notBefore <= now
                && (quietFor >= quietMillis || now - change.firstAt() >= maxDelayMillis && quietFor >= SETTLE_MILLIS);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("hub.coalesce.pending_users", this, PendingChanges::size)
                .description("users with pending property changes").register(registry);
        Gauge.builder("hub.coalesce.oldest_pending_age", this, PendingChanges::oldestAgeSeconds).baseUnit("seconds")
                .description("age of the oldest pending property change").register(registry);
        Gauge.builder("hub.lane.depth", this, PendingChanges::dueCount).tag("lane", "property")
                .description("property lane: users whose pending change is due and waits for the budget").register(registry);
    }
}
