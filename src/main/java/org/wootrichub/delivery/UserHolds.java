package org.wootrichub.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Keeps one user's events in order while one of them is parked for a later retry. When a user's event is parked,
 * the user is "held": the user's later events are parked behind it, and when a parked event fails again, every
 * event of that round is moved to the next round, in the same order. Once all of a held user's parked events are
 * delivered (or dead-lettered), the hold ends.
 *
 * <p>All events of a round are scheduled for the same instant: Artemis fires the scheduled messages that are due in
 * one pass, in the order they were sent, and puts them at the head of the queue; events of one round scheduled a
 * moment apart would be fired in separate passes, each put ahead of the one before. An event re-parked after its
 * round's time has passed goes to the tail at once, behind the round's earlier events.
 *
 * <p>Parked events carry their place and round as message properties ({@code HubHeaders.HOLD_PLACE}, {@code HOLD_ROUND}),
 * so the holds can be rebuilt from the broker's scheduled messages when the hub starts.
 */
public class UserHolds implements MeterBinder {

    /**
     * What to do with an event of a user: deliver it now, or park it behind the user's held events. {@code behind}:
     * it came out of the queue ahead of an earlier parked event of its user and goes back for a moment.
     */
    public record Admission(boolean park, long deliverAt, int seq, long round, boolean behind) {
        static final Admission DELIVER = new Admission(false, 0, -1, 0, false);

        Admission(boolean park, long deliverAt, int seq, long round) {
            this(park, deliverAt, seq, round, false);
        }
    }

    private static final class Hold {
        long round;
        boolean roundFailed;
        long nextRound;
        /** The places of the user's parked events: a set, so that reading a parked event again changes nothing. */
        final Set<Integer> pending = new HashSet<>();
        int nextSeq;
        int failures;
        Instant firstFailure;
    }

    /** How long an event that came out of the queue ahead of an earlier parked one waits before it comes back. */
    static final long RETRY_BEHIND_MILLIS = 100;
    /**
     * An earlier parked event not out this long after its round is not coming here (another instance took it, say):
     * the later ones no longer wait for it.
     */
    static final long SCHEDULER_LATE_LIMIT_MILLIS = 10_000;

    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final LongSupplier clock;

    public UserHolds(Duration initialDelay, Duration maxDelay, LongSupplier clock) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.clock = clock;
    }

    /**
     * @param seq   the event's place when it is a parked one, else null
     * @param round the round a parked event was scheduled for, else null
     */
    public Admission admit(String userKey, Integer seq, Long round) {
        if (userKey == null) {
            return Admission.DELIVER;
        }
        Hold hold = holds.get(userKey);
        if (hold == null) {
            return Admission.DELIVER;
        }
        synchronized (hold) {
            if (seq == null) {
                // a new event of a held user waits behind the parked ones
                int place = hold.nextSeq++;
                hold.pending.add(place);
                long target = hold.roundFailed ? hold.nextRound : hold.round;
                return new Admission(true, target, place, target);
            }
            if (hold.roundFailed && round < hold.nextRound) {
                // an earlier event of this round failed: this one moves to the next round, keeping its place
                hold.pending.add(seq);
                return new Admission(true, hold.nextRound, seq, hold.nextRound);
            }
            if (hold.roundFailed) {
                hold.round = round;
                hold.roundFailed = false;
            }
            if (earlierPending(hold, seq) && clock.getAsLong() - hold.round < SCHEDULER_LATE_LIMIT_MILLIS) {
                // an earlier event of the user is still parked: it went into the queue late (the broker's scheduler
                // fires late on a loaded machine, while this one, due in the past, went in at once). This one waits
                // a moment and comes back; by then the earlier one is ahead of it
                return new Admission(true, Math.max(hold.round, clock.getAsLong() + RETRY_BEHIND_MILLIS), seq, hold.round, true);
            }
            return Admission.DELIVER;
        }
    }

    /**
     * A transient failure after the quick retries: the plan for parking this event (its place, its round).
     *
     * @param seq the event's place when it was already parked, else null
     */
    public Admission failed(String userKey, Integer seq) {
        long now = clock.getAsLong();
        if (userKey == null) {
            long at = now + backoff(1);
            return new Admission(true, at, 0, at);
        }
        Hold hold = holds.computeIfAbsent(userKey, k -> {
            Hold h = new Hold();
            h.firstFailure = Instant.ofEpochMilli(now);
            return h;
        });
        synchronized (hold) {
            hold.failures++;
            long at = now + backoff(hold.failures);
            int place = seq != null ? seq : hold.nextSeq++;
            hold.pending.add(place);
            if (hold.pending.size() == 1 && seq == null) {
                hold.round = at;
                hold.roundFailed = false;
            } else {
                hold.roundFailed = true;
                hold.nextRound = at;
            }
            return new Admission(true, at, place, at);
        }
    }

    /** A parked event left the hold (delivered, skipped or dead-lettered): the hold ends with its last one. */
    public void done(String userKey, Integer seq) {
        if (userKey == null || seq == null) {
            return;
        }
        Hold hold = holds.get(userKey);
        if (hold == null) {
            return;
        }
        synchronized (hold) {
            hold.pending.remove(seq);
            if (hold.pending.isEmpty()) {
                holds.remove(userKey, hold);
            }
        }
    }

    /** When the user's first event was parked, for the max-age rule; null when the user is not held. */
    public Instant firstFailure(String userKey) {
        Hold hold = userKey == null ? null : holds.get(userKey);
        return hold == null ? null : hold.firstFailure;
    }

    /**
     * Rebuilds a hold from one parked event found on the broker: at start, and when this instance may have taken
     * over the message groups of another one. Idempotent: an event whose place the hold already has changes nothing.
     *
     * @return whether the event was new to the hold
     */
    public boolean restore(String userKey, int seq, long round, Instant firstFailure) {
        Hold hold = holds.computeIfAbsent(userKey, k -> new Hold());
        synchronized (hold) {
            if (holds.get(userKey) != hold) {
                // the hold ended (its last event done) between the lookup and here: start a fresh one
                return restore(userKey, seq, round, firstFailure);
            }
            // a later round of a known event: the user's new events must wait for that one
            hold.round = Math.max(hold.round, round);
            if (!hold.pending.add(seq)) {
                return false;
            }
            hold.nextSeq = Math.max(hold.nextSeq, seq + 1);
            hold.failures++;
            if (hold.firstFailure == null || (firstFailure != null && firstFailure.isBefore(hold.firstFailure))) {
                hold.firstFailure = firstFailure;
            }
            return true;
        }
    }

    /**
     * Ends the holds of users that have no parked event on the broker any more, when their latest round is older
     * than {@code roundsBefore}: their events were delivered by another instance (which owned their message group),
     * or have fired and wait in the queue, ahead of anything the user sends next. Without this, a hold read from
     * another instance's parked events would never end here.
     */
    public int endHoldsWithoutParkedEvents(Set<String> usersWithParkedEvents, long roundsBefore) {
        int ended = 0;
        for (Map.Entry<String, Hold> entry : holds.entrySet()) {
            Hold hold = entry.getValue();
            synchronized (hold) {
                if (!usersWithParkedEvents.contains(entry.getKey()) && Math.max(hold.round, hold.nextRound) < roundsBefore
                        && holds.remove(entry.getKey(), hold)) {
                    ended++;
                }
            }
        }
        return ended;
    }

    public boolean isHeld(String userKey) {
        return holds.containsKey(userKey);
    }

    public int size() {
        return holds.size();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("hub.users.held", holds, Map::size)
                .description("users whose later events wait behind a parked one").register(registry);
    }

    private static boolean earlierPending(Hold hold, int seq) {
        for (int place : hold.pending) {
            if (place < seq) {
                return true;
            }
        }
        return false;
    }

    long backoff(int failures) {
        long base = initialDelay.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        long capped = Math.min(Math.max(base, initialDelay.toMillis()), maxDelay.toMillis());
        // ±20% jitter so that a recovering Wootric does not get every parked user back in the same second
        return Math.max(1, (long) (capped * (0.8 + ThreadLocalRandom.current().nextDouble() * 0.4)));
    }
}
