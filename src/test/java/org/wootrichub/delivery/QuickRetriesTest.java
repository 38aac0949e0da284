package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.wootric.PermanentFailure;
import org.wootrichub.wootric.TransientFailure;

/**
 * The quick in-process retries (delivery.md, Retry), with a sleeper that only records its waits: how many attempts,
 * how long each wait, which failure is thrown, and no retry once the application stops or the thread is interrupted.
 */
class QuickRetriesTest {

    /** Stands for an attempt that succeeds. */
    private static final RuntimeException OK = null;

    private static TransientFailure transientFailure() {
        return new TransientFailure("wootric_unavailable", "Wootric answered 503", 503, "down", "PUT /v1/end_users/7", null);
    }

    /**
     * One case: the settings, what each attempt does (a failure it throws, or {@link #OK}), from which check on the
     * application is stopping (0: never) and whether the first wait is interrupted; then the attempts expected, the
     * failure expected out (its index in {@code outcomes}, -1: none) and the waits announced.
     */
    record Case(String name, int retries, long initialDelay, long maxDelay, List<RuntimeException> outcomes, int stoppingFromCheck,
            boolean interrupted, int attempts, int thrown, List<Long> delays) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static List<RuntimeException> outcomes(RuntimeException... outcomes) {
        return Arrays.asList(outcomes);
    }

    static Stream<Case> cases() {
        TransientFailure t = transientFailure();
        return Stream.of(
                new Case("delivered at once", 3, 1000, 10_000, outcomes(OK), 0, false, 1, -1, List.of()),
                new Case("delivered on the first retry", 3, 1000, 10_000, outcomes(transientFailure(), OK), 0, false, 2, -1,
                        List.of(1000L)),
                new Case("retries used up: the last failure is thrown", 3, 1000, 10_000,
                        outcomes(transientFailure(), transientFailure(), transientFailure(), transientFailure()), 0, false, 4, 3,
                        List.of(1000L, 2000L, 4000L)),
                new Case("the waits double up to the max delay", 5, 1000, 5000,
                        outcomes(t, t, t, t, t, t), 0, false, 6, 5, List.of(1000L, 2000L, 4000L, 5000L, 5000L)),
                new Case("no retries configured", 0, 1000, 10_000, outcomes(transientFailure(), OK), 0, false, 1, 0, List.of()),
                new Case("a permanent failure is not retried", 3, 1000, 10_000,
                        outcomes(PermanentFailure.of("wootric_rejected", "422"), OK), 0, false, 1, 0, List.of()),
                new Case("a transient failure that becomes permanent stops the retries", 3, 1000, 10_000,
                        outcomes(transientFailure(), PermanentFailure.of("wootric_rejected", "422"), OK), 0, false, 2, 1,
                        List.of(1000L)),
                new Case("a user not yet known is not retried", 3, 1000, 10_000, outcomes(new UserNotYetKnown(true), OK), 0, false, 1,
                        0, List.of()),
                new Case("an unexpected exception is not retried", 3, 1000, 10_000, outcomes(new IllegalStateException("bug"), OK), 0,
                        false, 1, 0, List.of()),
                new Case("no retry once the application is stopping", 3, 1000, 10_000, outcomes(transientFailure(), OK), 1, false, 1, 0,
                        List.of()),
                new Case("a long wait ends when the application starts stopping", 3, 3000, 10_000, outcomes(transientFailure(), OK), 2,
                        false, 1, 0, List.of(3000L)),
                new Case("an interrupted wait ends the retries", 3, 1000, 10_000, outcomes(transientFailure(), OK), 0, true, 1, 0,
                        List.of(1000L)));
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void retries(Case c) {
        List<Long> slept = new ArrayList<>();
        QuickRetries retries = new QuickRetries(c.retries(), c.initialDelay(), c.maxDelay(), millis -> {
            if (c.interrupted()) {
                throw new InterruptedException();
            }
            slept.add(millis);
        }, () -> 0.5);
        int[] attempts = {0};
        int[] checks = {0};
        List<Long> announced = new ArrayList<>();

        Throwable thrown = catchThrowable(() -> retries.run(() -> {
            RuntimeException outcome = c.outcomes().get(attempts[0]++);
            if (outcome != null) {
                throw outcome;
            }
        }, () -> c.stoppingFromCheck() > 0 && ++checks[0] >= c.stoppingFromCheck(), (failure, retry, delay) -> {
            assertThat(retry).isEqualTo(announced.size() + 1);
            announced.add(delay);
        }));

        assertThat(attempts[0]).as("attempts").isEqualTo(c.attempts());
        if (c.thrown() < 0) {
            assertThat(thrown).isNull();
        } else {
            assertThat(thrown).isSameAs(c.outcomes().get(c.thrown()));
        }
        assertThat(announced).as("waits").isEqualTo(c.delays());
        if (!c.interrupted() && c.stoppingFromCheck() == 0) {
            assertThat(slept.stream().mapToLong(Long::longValue).sum()).as("time slept")
                    .isEqualTo(c.delays().stream().mapToLong(Long::longValue).sum());
        }
        assertThat(slept).as("slept in slices of at most a second").allSatisfy(millis -> assertThat(millis).isLessThanOrEqualTo(1000));
        assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag kept").isEqualTo(c.interrupted());
    }

    /** Camel's collision avoidance: each wait within 15% of its doubling, never past the max delay. */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.25, 0.5, 0.75, 0.999_999})
    void theJitterStaysWithinFifteenPercentAndTheMaxDelay(double random) {
        QuickRetries retries = new QuickRetries(6, 1000, 10_000, millis -> { }, () -> random);
        long[] nominal = {1000, 2000, 4000, 8000, 10_000, 10_000};
        for (int retry = 1; retry <= nominal.length; retry++) {
            long delay = retries.delay(retry);
            long expected = nominal[retry - 1];
            assertThat(delay).as("wait before retry %d", retry)
                    .isBetween((long) (expected * (1 - QuickRetries.JITTER)), Math.min((long) (expected * (1 + QuickRetries.JITTER)), 10_000));
        }
        assertThat(new QuickRetries(1, 1000, 10_000, millis -> { }, () -> 0.0).delay(1)).isEqualTo(850);
    }
}
