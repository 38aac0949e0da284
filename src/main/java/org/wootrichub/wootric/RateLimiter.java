package org.wootrichub.wootric;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Wootric's budget for this account: at most {@code perMinute} calls in any 60-second window (configurable for tests) (a sliding log of
 * the last calls, so no window can hold more), at most {@code maxConcurrent} in flight, and a pause whenever
 * Wootric says the budget is spent (X-Rate-Limit-Remaining 0, or a 429) until its reset time. Waiting callers
 * block; a throttled call is delayed, never failed.
 */
public class RateLimiter {

    static final long DEFAULT_THROTTLE_PAUSE_MILLIS = 60_000;

    private final int perMinute;
    private final long windowMillis;
    private final Semaphore inFlight;
    private final LongSupplier clock;
    private final long[] granted;
    private int oldest;
    private int count;
    private long pausedUntil;

    /**
     * @param perMinute     calls per window; 0 means no limit of our own (Wootric's answers still pause it)
     * @param windowMillis  the window: a minute, as Wootric counts; shorter only in tests
     * @param maxConcurrent calls in flight at once; 0 means no limit
     */
    public RateLimiter(int perMinute, long windowMillis, int maxConcurrent, LongSupplier clock) {
        this.perMinute = Math.max(0, perMinute);
        this.windowMillis = windowMillis;
        this.inFlight = maxConcurrent > 0 ? new Semaphore(maxConcurrent, true) : null;
        this.clock = clock;
        this.granted = new long[Math.max(1, this.perMinute)];
    }

    /** Blocks until a call may start; pair every acquire with {@link #release}. */
    public void acquire() throws InterruptedException {
        if (inFlight != null) {
            inFlight.acquire();
        }
        try {
            synchronized (this) {
                while (true) {
                    long now = clock.getAsLong();
                    long wait = waitMillis(now);
                    if (wait <= 0) {
                        record(now);
                        return;
                    }
                    wait(wait);
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            if (inFlight != null) {
                inFlight.release();
            }
            throw e;
        }
    }

    public void release() {
        if (inFlight != null) {
            inFlight.release();
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

    private long waitMillis(long now) {
        if (pausedUntil > now) {
            return pausedUntil - now;
        }
        if (perMinute == 0) {
            return 0;
        }
        while (count > 0 && granted[oldest] <= now - windowMillis) {
            oldest = (oldest + 1) % granted.length;
            count--;
        }
        return count < perMinute ? 0 : granted[oldest] + windowMillis - now + 1;
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
