package org.wootrichub.wootric.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void noWindowEverHoldsMoreThanTheLimit() throws Exception {
        int limit = 5;
        long window = 400;
        RateLimiter limiter = new RateLimiter(limit, window, 0, System::currentTimeMillis);
        List<Long> grants = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 20; i++) {
            pool.submit(() -> {
                limiter.acquire();
                grants.add(System.currentTimeMillis());
                limiter.release();
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        List<Long> sorted = new ArrayList<>(grants);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(20);
        for (int i = 0; i + limit < sorted.size(); i++) {
            // the (limit+1)-th call after any call starts a full window later
            assertThat(sorted.get(i + limit) - sorted.get(i)).as("calls %d..%d", i, i + limit).isGreaterThanOrEqualTo(window);
        }
    }

    @Test
    void zeroMeansNoLimitOfItsOwn() throws Exception {
        RateLimiter limiter = new RateLimiter(0, 60_000, 0, System::currentTimeMillis);
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire();
            limiter.release();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    }

    @Test
    void a429PausesUntilTheResetTime() throws Exception {
        RateLimiter limiter = new RateLimiter(0, 60_000, 0, System::currentTimeMillis);
        long resetSeconds = System.currentTimeMillis() / 1000 + 2;
        limiter.observe(429, Map.of("X-Rate-Limit-Reset", Long.toString(resetSeconds)));
        limiter.acquire();
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(resetSeconds * 1000);
    }

    @Test
    void retryAfterWinsOverTheResetAndWithoutEitherTheWaitIsAMinute() {
        long now = 1_000_000;
        RateLimiter limiter = new RateLimiter(0, 60_000, 0, () -> now);
        limiter.observe(429, Map.of("Retry-After", "3", "X-Rate-Limit-Reset", "2000"));
        assertThat(limiter.pausedUntil()).isEqualTo(now + 3_000);
        RateLimiter bare = new RateLimiter(0, 60_000, 0, () -> now);
        bare.observe(429, Map.of());
        assertThat(bare.pausedUntil()).isEqualTo(now + 60_000);
    }

    @Test
    void aSpentBudgetPausesBeforeWootricSays429() {
        long now = 1_700_000_000_000L;
        RateLimiter limiter = new RateLimiter(0, 60_000, 0, () -> now);
        limiter.observe(200, Map.of("X-Rate-Limit-Remaining", "5", "X-Rate-Limit-Reset", "1700000030"));
        assertThat(limiter.pausedUntil()).isZero();
        limiter.observe(200, Map.of("X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", "1700000030"));
        assertThat(limiter.pausedUntil()).isEqualTo(1_700_000_030_000L);
    }

    @Test
    void concurrentCallsAreBounded() throws Exception {
        RateLimiter limiter = new RateLimiter(0, 60_000, 2, System::currentTimeMillis);
        limiter.acquire();
        limiter.acquire();
        Thread third = new Thread(() -> {
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        third.start();
        third.join(300);
        assertThat(third.isAlive()).as("a third call waits").isTrue();
        limiter.release();
        third.join(2_000);
        assertThat(third.isAlive()).isFalse();
    }

    @Test
    void aCallIsInFlightFromItsPlaceInTheBudgetToItsReleaseInItsLaneAndNotWhileItWaits() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        // one call per 100 ms window, and a clock that only the test moves: the second call waits until it does
        RateLimiter limiter = new RateLimiter(1, 100, 2, now::get);
        MeterRegistry registry = new SimpleMeterRegistry();
        limiter.bindTo(registry);

        limiter.acquire(BudgetLane.SURVEY);
        assertThat(inFlight(registry, "survey")).isEqualTo(1);
        assertThat(inFlight(registry, "property")).isZero();

        Thread waiting = new Thread(() -> {
            try {
                limiter.acquire(BudgetLane.SURVEY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.start();
        while (limiter.waiting(BudgetLane.SURVEY) == 0) {
            Thread.sleep(1);
        }
        assertThat(inFlight(registry, "survey")).as("a call waiting for the window (with its concurrency permit) is not in flight")
                .isEqualTo(1);

        limiter.release(BudgetLane.SURVEY);
        assertThat(inFlight(registry, "survey")).isZero();

        now.addAndGet(200);
        waiting.join(2_000);
        assertThat(waiting.isAlive()).isFalse();
        assertThat(inFlight(registry, "survey")).isEqualTo(1);
        limiter.release(BudgetLane.SURVEY);

        now.addAndGet(200);
        limiter.acquire(BudgetLane.PROPERTY);
        assertThat(inFlight(registry, "property")).isEqualTo(1);
        assertThat(inFlight(registry, "survey")).isZero();
        limiter.release(BudgetLane.PROPERTY);
        assertThat(inFlight(registry, "property")).isZero();
    }

    @Test
    void aCallInterruptedWhileItWaitsWasNeverInFlight() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 60_000, 0, () -> 1_000_000L);
        limiter.acquire(BudgetLane.SURVEY);
        limiter.release(BudgetLane.SURVEY);
        Thread waiting = new Thread(() -> {
            try {
                limiter.acquire(BudgetLane.SURVEY);
            } catch (InterruptedException e) {
                // given up: nothing to release
            }
        });
        waiting.start();
        while (limiter.waiting(BudgetLane.SURVEY) == 0) {
            Thread.sleep(1);
        }
        waiting.interrupt();
        waiting.join(2_000);
        assertThat(limiter.inFlight(BudgetLane.SURVEY)).isZero();
    }

    private static double inFlight(MeterRegistry registry, String lane) {
        return registry.get("hub.wootric.calls.in_flight").tag("lane", lane).gauge().value();
    }
}
