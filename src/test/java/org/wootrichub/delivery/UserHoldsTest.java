package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserHoldsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final UserHolds holds = new UserHolds(Duration.ofSeconds(1), Duration.ofMinutes(5), now::get);

    @Test
    void aUserWithoutParkedEventsIsNotHeld() {
        assertThat(holds.admit("u", null, null).park()).isFalse();
        assertThat(holds.isHeld("u")).isFalse();
    }

    @Test
    void laterEventsWaitBehindTheParkedOneInTheSameRound() {
        UserHolds.Admission head = holds.failed("u", null);
        assertThat(head.seq()).isZero();
        assertThat(head.deliverAt()).isBetween(now.get() + 800, now.get() + 1200);
        UserHolds.Admission second = holds.admit("u", null, null);
        UserHolds.Admission third = holds.admit("u", null, null);
        assertThat(second.park()).isTrue();
        assertThat(second.seq()).isEqualTo(1);
        assertThat(third.seq()).isEqualTo(2);
        // one round, one instant: the broker fires them together, in the order sent
        assertThat(second.deliverAt()).isEqualTo(head.deliverAt());
        assertThat(third.round()).isEqualTo(head.round());
    }

    @Test
    void whenTheHeadFailsAgainTheWholeRoundMovesAndKeepsItsOrder() {
        UserHolds.Admission head = holds.failed("u", null);
        UserHolds.Admission second = holds.admit("u", null, null);
        now.set(head.deliverAt());
        assertThat(holds.admit("u", 0, head.round()).park()).as("the head is tried in its round").isFalse();
        UserHolds.Admission headAgain = holds.failed("u", 0);
        assertThat(headAgain.round()).isGreaterThan(head.round());
        UserHolds.Admission secondAgain = holds.admit("u", second.seq(), second.round());
        assertThat(secondAgain.park()).as("its round failed: it moves to the next").isTrue();
        assertThat(secondAgain.round()).isEqualTo(headAgain.round());
        UserHolds.Admission newcomer = holds.admit("u", null, null);
        assertThat(newcomer.round()).isEqualTo(headAgain.round());
        assertThat(newcomer.seq()).isEqualTo(2);
        // the next round: the head goes first, the others follow it
        now.set(headAgain.deliverAt());
        assertThat(holds.admit("u", 0, headAgain.round()).park()).isFalse();
        holds.done("u", 0);
        assertThat(holds.admit("u", 1, headAgain.round()).park()).isFalse();
        holds.done("u", 1);
        assertThat(holds.isHeld("u")).isTrue();
        assertThat(holds.admit("u", 2, headAgain.round()).park()).isFalse();
        holds.done("u", 2);
        assertThat(holds.isHeld("u")).as("the last parked event ends the hold").isFalse();
    }

    @Test
    void anEventThatComesOutAheadOfAnEarlierParkedOneGoesBackBehindIt() {
        UserHolds.Admission head = holds.failed("u", null);
        // its round is due, but the broker has not fired the head yet: the newcomer, due in the past, comes out first
        now.set(head.deliverAt() + 500);
        UserHolds.Admission newcomer = holds.admit("u", null, null);
        assertThat(newcomer.park()).isTrue();
        UserHolds.Admission again = holds.admit("u", newcomer.seq(), newcomer.round());
        assertThat(again.park()).as("the head is still parked").isTrue();
        assertThat(again.deliverAt()).as("scheduled, not put back at once").isGreaterThan(now.get());
        assertThat(again.seq()).isEqualTo(newcomer.seq());

        assertThat(holds.admit("u", 0, head.round()).park()).isFalse();
        holds.done("u", 0);
        assertThat(holds.admit("u", again.seq(), again.round()).park()).as("the head went first").isFalse();
    }

    @Test
    void anEarlierParkedEventThatNeverComesOutStopsHoldingTheLaterOnesAfterALimit() {
        UserHolds.Admission head = holds.failed("u", null);
        UserHolds.Admission newcomer = holds.admit("u", null, null);
        now.set(head.round() + UserHolds.SCHEDULER_LATE_LIMIT_MILLIS - 1);
        assertThat(holds.admit("u", newcomer.seq(), newcomer.round()).park()).isTrue();
        now.set(head.round() + UserHolds.SCHEDULER_LATE_LIMIT_MILLIS);
        assertThat(holds.admit("u", newcomer.seq(), newcomer.round()).park()).as("the head went elsewhere").isFalse();
    }

    @Test
    void theBackoffDoublesWithJitterUpToTheMaximum() {
        for (int failures = 1; failures <= 12; failures++) {
            long expected = Math.min(1000L << (failures - 1), 300_000L);
            assertThat(holds.backoff(failures)).isBetween((long) (expected * 0.8), (long) (expected * 1.2));
        }
    }

    @Test
    void otherUsersAreNotHeld() {
        holds.failed("u", null);
        assertThat(holds.admit("v", null, null).park()).isFalse();
    }

    @Test
    void readingTheSameParkedEventsAgainChangesNothing() {
        assertThat(holds.restore("u", 0, 5_000_000, null)).isTrue();
        assertThat(holds.restore("u", 1, 5_000_000, null)).isTrue();
        assertThat(holds.restore("u", 0, 5_000_000, null)).as("already known").isFalse();
        assertThat(holds.restore("u", 1, 5_000_000, null)).isFalse();
        holds.done("u", 0);
        assertThat(holds.isHeld("u")).isTrue();
        holds.done("u", 1);
        assertThat(holds.isHeld("u")).as("two places, two releases, however often they were read").isFalse();
    }

    @Test
    void aNewEventOfARestoredUserWaitsForTheLatestRoundReadFromTheBroker() {
        holds.restore("u", 0, 5_000_000, null);
        holds.restore("u", 0, 7_000_000, null);
        UserHolds.Admission next = holds.admit("u", null, null);
        assertThat(next.park()).isTrue();
        assertThat(next.seq()).isEqualTo(1);
        assertThat(next.deliverAt()).isEqualTo(7_000_000);
    }

    @Test
    void holdsWhoseParkedEventsAreGoneFromTheBrokerEndAfterTheirRound() {
        holds.restore("gone", 0, 2_000_000, null);
        holds.restore("still-parked", 0, 2_000_000, null);
        holds.restore("round-to-come", 0, 9_000_000, null);
        assertThat(holds.endHoldsWithoutParkedEvents(java.util.Set.of("still-parked"), 3_000_000)).isEqualTo(1);
        assertThat(holds.isHeld("gone")).isFalse();
        assertThat(holds.isHeld("still-parked")).isTrue();
        assertThat(holds.isHeld("round-to-come")).isTrue();
    }
}
