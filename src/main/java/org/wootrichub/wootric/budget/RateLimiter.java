package org.wootrichub.wootric.budget;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Wootric's budget for this account: at most {@code perMinute} calls in any 60-second window (configurable for tests) (a sliding log of
 * the last calls, so no window can hold more), at most {@code maxConcurrent} in flight, and a pause whenever
 * Wootric says the budget is spent (X-Rate-Limit-Remaining 0, or a 429) until its reset time. Waiting callers
 * block; a throttled call is delayed, never failed.
 *
 * <p>Two lanes ({@link BudgetLane}): a survey call waits only for the budget; a property call also waits while any
 * survey call waits, and never takes the last {@code reserve} share of a window (so survey data finds room).
 */
public class RateLimiter implements MeterBinder {

    static final long DEFAULT_THROTTLE_PAUSE_MILLIS = 60_000;

    private final int perMinute;
    private final long windowMillis;
    private final Semaphore inFlight;
    private final LongSupplier clock;
    private final long[] granted;
    private final int propertyLimit;
    private final Map<BudgetLane, Integer> waiting = new EnumMap<>(BudgetLane.class);
    private final Map<BudgetLane, Integer> calling = new EnumMap<>(BudgetLane.class);
    private int oldest;
    private int count;
    private long pausedUntil;

    /**
     * @param perMinute     calls per window; 0 means no limit of our own (Wootric's answers still pause it)
     * @param windowMillis  the window: a minute, as Wootric counts; shorter only in tests
     * @param maxConcurrent calls in flight at once; 0 means no limit
     */
    public RateLimiter(int perMinute, long windowMillis, int maxConcurrent, LongSupplier clock) {
        this(perMinute, windowMillis, maxConcurrent, 0, clock);
    }

    /** @param reserve the share of a window (0 to 1) that property calls never take */
    public RateLimiter(int perMinute, long windowMillis, int maxConcurrent, double reserve, LongSupplier clock) {
        this.perMinute = Math.max(0, perMinute);
        this.windowMillis = windowMillis;
        this.inFlight = maxConcurrent > 0 ? new Semaphore(maxConcurrent, true) : null;
        this.clock = clock;
        this.granted = new long[Math.max(1, this.perMinute)];
        // at least one call per window stays open to property updates, so they are never starved for good
        this.propertyLimit = this.perMinute == 0 ? 0
                : Math.max(1, this.perMinute - (int) Math.ceil(this.perMinute * Math.min(1, Math.max(0, reserve))));
        for (BudgetLane lane : BudgetLane.values()) {
            waiting.put(lane, 0);
            calling.put(lane, 0);
        }
    }

    /** Blocks until a survey-lane call may start; pair every acquire with {@link #release}. */
    public void acquire() throws InterruptedException {
        acquire(BudgetLane.SURVEY);
    }

    /** Blocks until a call of the lane named by the header ({@link BudgetLane#of}) may start. */
    public void acquireFor(String lane) throws InterruptedException {
        acquire(BudgetLane.of(lane));
    }

    /** Blocks until a call of the lane may start; pair every acquire with {@link #release(BudgetLane)} of the same lane. */
    public void acquire(BudgetLane lane) throws InterruptedException {
        if (inFlight != null) {
            inFlight.acquire();
        }
        try {
            synchronized (this) {
                awaitRoom(lane);
                record(clock.getAsLong());
                // counted from here, not from the semaphore: a holder of a permit may still be waiting for the window
                calling.merge(lane, 1, Integer::sum);
            }
        } catch (InterruptedException | RuntimeException e) {
            if (inFlight != null) {
                inFlight.release();
            }
            throw e;
        }
    }

    /** Blocks until a call of the lane could start, without taking the place (the coalescing flusher looks first). */
    public synchronized void awaitRoom(BudgetLane lane) throws InterruptedException {
        waiting.merge(lane, 1, Integer::sum);
        try {
            while (true) {
                long wait = waitMillis(clock.getAsLong(), lane);
                if (wait <= 0) {
                    return;
                }
                wait(wait);
            }
        } finally {
            waiting.merge(lane, -1, Integer::sum);
            notifyAll();
        }
    }

    /** Ends a call started with {@link #acquire()} (survey lane). */
    public void release() {
        release(BudgetLane.SURVEY);
    }

    /** Ends a call of the lane named by the header, as {@link #acquireFor} started it. */
    public void releaseFor(String lane) {
        release(BudgetLane.of(lane));
    }

    /** Ends a call of the lane: its place in the concurrency bound is free again. */
    public void release(BudgetLane lane) {
        if (inFlight != null) {
            inFlight.release();
        }
        synchronized (this) {
            calling.merge(lane, -1, Integer::sum);
            // a property call may wait for the survey calls ahead of it
            notifyAll();
        }
    }

    /**
     * Reads X-Rate-Limit-Remaining / X-Rate-Limit-Reset of any answer: a spent budget pauses until the reset.
     *
     * @param headers the answer's headers (the route passes the exchange's, whose names are case-insensitive)
     */
    public void observe(int status, Map<String, ?> headers) {
        long now = clock.getAsLong();
        Long resetAt = epochMillis(text(headers.get("X-Rate-Limit-Reset")), now);
        if (status == 429) {
            Long retryAfter = seconds(text(headers.get("Retry-After")));
            long until = retryAfter != null ? now + retryAfter * 1000 : resetAt != null ? resetAt : now + DEFAULT_THROTTLE_PAUSE_MILLIS;
            pauseUntil(until);
            return;
        }
        Long remaining = seconds(text(headers.get("X-Rate-Limit-Remaining")));
        if (remaining != null && remaining <= 0 && resetAt != null) {
            // slow down before Wootric has to say 429
            pauseUntil(resetAt);
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    public synchronized long pausedUntil() {
        return pausedUntil;
    }

    private synchronized void pauseUntil(long until) {
        if (until > pausedUntil) {
            pausedUntil = until;
        }
        notifyAll();
    }

    private long waitMillis(long now, BudgetLane lane) {
        if (pausedUntil > now) {
            return pausedUntil - now;
        }
        if (lane == BudgetLane.PROPERTY && waiting.get(BudgetLane.SURVEY) > 0) {
            // woken when the survey calls ahead have started
            return windowMillis;
        }
        if (perMinute == 0) {
            return 0;
        }
        forgetOutsideWindow(now);
        int limit = lane == BudgetLane.PROPERTY ? propertyLimit : perMinute;
        if (count < limit) {
            return 0;
        }
        // the call that must leave the window before this lane has room again
        return granted[(oldest + count - limit) % granted.length] + windowMillis - now + 1;
    }

    private void forgetOutsideWindow(long now) {
        while (count > 0 && granted[oldest] <= now - windowMillis) {
            oldest = (oldest + 1) % granted.length;
            count--;
        }
    }

    /** Calls started in the current window (the last {@code window} up to now). */
    public synchronized int usedInWindow() {
        forgetOutsideWindow(clock.getAsLong());
        return count;
    }

    /** Calls that may still start in the current window (survey lane); -1 when the hub sets no limit of its own. */
    public synchronized int leftInWindow() {
        return perMinute == 0 ? -1 : perMinute - usedInWindow();
    }

    /** Calls waiting for the budget in the lane. */
    public synchronized int waiting(BudgetLane lane) {
        return waiting.get(lane);
    }

    /** Calls of the lane that have their place in the budget and have not ended yet: on the wire to Wootric. */
    public synchronized int inFlight(BudgetLane lane) {
        return calling.get(lane);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("hub.budget.used", this, RateLimiter::usedInWindow)
                .description("Wootric calls started in the current rate-limit window").register(registry);
        Gauge.builder("hub.budget.left", this, RateLimiter::leftInWindow)
                .description("Wootric calls left in the current rate-limit window (-1: no limit of the hub's own)").register(registry);
        Gauge.builder("hub.budget.paused_until", this, limiter -> limiter.pausedUntil() / 1000.0)
                .description("Unix time until which Wootric said to pause (0: not paused)").baseUnit("seconds").register(registry);
        Gauge.builder("hub.lane.depth", this, limiter -> limiter.waiting(BudgetLane.SURVEY)).tag("lane", BudgetLane.SURVEY.header())
                .description("survey lane: Wootric calls waiting for the budget").register(registry);
        for (BudgetLane lane : BudgetLane.values()) {
            Gauge.builder("hub.wootric.calls.in_flight", this, limiter -> limiter.inFlight(lane)).tag("lane", lane.header())
                    .description("Wootric API calls in progress (budget taken, answer not yet seen)").register(registry);
        }
    }

    private void record(long now) {
        if (perMinute > 0) {
            granted[(oldest + count) % granted.length] = now;
            count++;
        }
    }

    /** X-Rate-Limit-Reset is Unix time (seconds); a small number is taken as seconds from now. */
    private static Long epochMillis(String value, long now) {
        Long seconds = seconds(value);
        if (seconds == null) {
            return null;
        }
        return seconds > 1_000_000_000L ? seconds * 1000 : now + seconds * 1000;
    }

    private static Long seconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return (long) Math.ceil(Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
