package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.BrokerUnavailable;

/** Which pending changes on the broker an instance hands to their users' message-group owners, and how often. */
class PendingSweepTest {

    private static final Duration EVERY = Duration.ofSeconds(30);

    private final TestClock clock = new TestClock(java.time.Instant.ofEpochMilli(1_000_000));
    private final PendingChanges held = new PendingChanges(Duration.ofSeconds(2), Duration.ofMinutes(5), clock::millis);
    private final List<PendingChange> onBroker = new ArrayList<>();
    private final List<List<String>> wakes = new ArrayList<>();
    private final PendingSweep sweep = new PendingSweep(held, () -> List.copyOf(onBroker), this::wake, EVERY, clock::millis);

    private void wake(List<PendingChange> changes) {
        wakes.add(changes.stream().map(PendingChange::userKey).toList());
    }

    private static PendingChange change(String user, long lastAt) {
        return new PendingChange(user + "-" + lastAt, user, null, user, null, null, false, null, null, Map.of("plan", "pro"),
                Map.of("identify", 1), false, lastAt, lastAt);
    }

    @Test
    void atStartEveryChangeNotHeldHereIsWokenHoweverRecent() {
        onBroker.add(change("a", clock.millis()));
        onBroker.add(change("b", clock.millis() - 1));
        held.restore(change("b", clock.millis() - 1));

        assertThat(sweep.wakeAll()).isEqualTo(1);
        assertThat(wakes).containsExactly(List.of("a"));
    }

    @Test
    void aSweepWakesOnlyChangesQuietForAWholePeriod() {
        onBroker.add(change("quiet", clock.millis() - EVERY.toMillis()));
        // its writer may still be merging newer events into it
        onBroker.add(change("recent", clock.millis() - EVERY.toMillis() + 1));

        assertThat(sweep.sweep()).isEqualTo(1);
        assertThat(wakes).containsExactly(List.of("quiet"));
    }

    @Test
    void aChangeStillWaitingOnItsLiveOwnerIsWokenAgainOnlyAfterSomePeriods() {
        onBroker.add(change("u", clock.millis() - EVERY.toMillis()));
        sweep.sweep();
        for (int period = 1; period < PendingSweep.WAKE_AGAIN_AFTER_PERIODS; period++) {
            clock.advance(EVERY);
            sweep.sweep();
        }
        assertThat(wakes).as("its owner holds it and waits for the budget").containsExactly(List.of("u"));

        // ... or died since the first wake-up
        clock.advance(EVERY);
        sweep.sweep();
        assertThat(wakes).containsExactly(List.of("u"), List.of("u"));
    }

    @Test
    void aNewerChangeOfTheUserIsWokenInItsTurn() {
        onBroker.add(change("u", clock.millis() - EVERY.toMillis()));
        sweep.sweep();
        onBroker.set(0, change("u", clock.millis() - EVERY.toMillis() + 1));
        clock.advance(EVERY);
        sweep.sweep();
        assertThat(wakes).containsExactly(List.of("u"), List.of("u"));
    }

    @Test
    void aWakeUpThatFailedIsSentAgainAtTheNextSweep() {
        onBroker.add(change("u", clock.millis() - EVERY.toMillis()));
        boolean[] brokerDown = {true};
        PendingSweep flaky = new PendingSweep(held, () -> List.copyOf(onBroker), users -> {
            if (brokerDown[0]) {
                throw new BrokerUnavailable("broker gone", null);
            }
            wake(users);
        }, EVERY, clock::millis);
        assertThatThrownBy(flaky::sweep).isInstanceOf(BrokerUnavailable.class);

        brokerDown[0] = false;
        assertThat(flaky.sweep()).isEqualTo(1);
        assertThat(wakes).containsExactly(List.of("u"));
    }

    @Test
    void nothingOnTheBrokerWakesNothing() {
        assertThat(sweep.wakeAll()).isZero();
        assertThat(wakes).isEmpty();
    }
}
