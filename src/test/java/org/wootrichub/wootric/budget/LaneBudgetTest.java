package org.wootrichub.wootric.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The two lanes through the budget: survey data may use all of a window, property updates never its reserve. */
class LaneBudgetTest {

    static Stream<Arguments> windows() {
        // per window, reserve, survey calls already made, property calls that may still start, survey calls that may still start
        return Stream.of(
                Arguments.of(100, 0.2, 0, 80, 100),
                Arguments.of(100, 0.2, 50, 30, 50),
                Arguments.of(100, 0.2, 80, 0, 20),
                Arguments.of(100, 0.2, 95, 0, 5),
                Arguments.of(10, 0.2, 0, 8, 10),
                Arguments.of(10, 0.0, 0, 10, 10),
                // at least one property call per window, so property updates are never starved for good
                Arguments.of(3, 0.5, 0, 1, 3),
                Arguments.of(1, 0.2, 0, 1, 1));
    }

    @ParameterizedTest(name = "{0}/window, reserve {1}, {2} survey calls made: {3} property calls, {4} survey calls left")
    @MethodSource("windows")
    void propertyCallsNeverTakeTheReserve(int perWindow, double reserve, int surveyMade, int propertyLeft, int surveyLeft)
            throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        RateLimiter limiter = new RateLimiter(perWindow, 60_000, 0, reserve, now::get);
        for (int i = 0; i < surveyMade; i++) {
            limiter.acquire(BudgetLane.SURVEY);
        }
        assertThat(startsNow(limiter, BudgetLane.PROPERTY, propertyLeft)).isEqualTo(propertyLeft);
        assertThat(startsNow(limiter, BudgetLane.PROPERTY, 1)).as("one more property call").isZero();
        assertThat(startsNow(limiter, BudgetLane.SURVEY, perWindow)).isEqualTo(surveyLeft - propertyLeft);
        assertThat(limiter.usedInWindow()).isEqualTo(perWindow);
        assertThat(limiter.leftInWindow()).isZero();
        // the next window has room again
        now.addAndGet(60_001);
        assertThat(limiter.leftInWindow()).isEqualTo(perWindow);
    }

    @Test
    void aPropertyCallWaitsWhileASurveyCallWaits() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        RateLimiter limiter = new RateLimiter(1, 100, 0, 0, now::get);
        limiter.acquire(BudgetLane.SURVEY);
        // the budget is spent: a survey call waits first, then a property call
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Long> survey = CompletableFuture.supplyAsync(() -> acquireAt(limiter, BudgetLane.SURVEY), threads);
        while (limiter.waiting(BudgetLane.SURVEY) == 0) {
            Thread.sleep(1);
        }
        CompletableFuture<Long> property = CompletableFuture.supplyAsync(() -> acquireAt(limiter, BudgetLane.PROPERTY), threads);
        while (limiter.waiting(BudgetLane.PROPERTY) == 0) {
            Thread.sleep(1);
        }
        // the next window has room for one call: the survey call takes it, the property call waits for the one after
        now.addAndGet(200);
        survey.get(5, TimeUnit.SECONDS);
        Thread.sleep(100);
        assertThat(property).as("no room left in this window").isNotDone();
        now.addAndGet(200);
        property.get(5, TimeUnit.SECONDS);
        threads.shutdown();
    }

    @Test
    void withoutALimitOfItsOwnNoLaneWaits() throws Exception {
        RateLimiter limiter = new RateLimiter(0, 60_000, 0, 0.2, System::currentTimeMillis);
        for (int i = 0; i < 1_000; i++) {
            limiter.acquire(BudgetLane.PROPERTY);
            limiter.release(BudgetLane.PROPERTY);
        }
        assertThat(limiter.leftInWindow()).isEqualTo(-1);
    }

    @Test
    void theLaneComesFromItsHeaderAndDefaultsToSurvey() {
        assertThat(BudgetLane.of("property")).isEqualTo(BudgetLane.PROPERTY);
        assertThat(BudgetLane.of("survey")).isEqualTo(BudgetLane.SURVEY);
        assertThat(BudgetLane.of(null)).isEqualTo(BudgetLane.SURVEY);
    }

    /** How many of {@code max} calls of the lane start without waiting (the clock stands still). */
    private static int startsNow(RateLimiter limiter, BudgetLane lane, int max) throws Exception {
        int started = 0;
        for (int i = 0; i < max; i++) {
            Thread call = new Thread(() -> {
                try {
                    limiter.acquire(lane);
                } catch (InterruptedException e) {
                    // it waited: stopped by the test
                }
            });
            call.start();
            call.join(200);
            if (call.isAlive()) {
                call.interrupt();
                call.join();
                return started;
            }
            started++;
        }
        return started;
    }

    private static long acquireAt(RateLimiter limiter, BudgetLane lane) {
        try {
            limiter.acquire(lane);
            return System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
