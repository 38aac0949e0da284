package org.wootrichub.delivery;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.wootrichub.wootric.TransientFailure;

/**
 * The quick in-process retries of a transient delivery failure (delivery.md, Retry): the hub's only in-process retry
 * layer (the dispatch route's error handler does not redeliver; after these retries it parks the event on the
 * broker). Up to wootric.retry.in-process-attempts retries; the first waits wootric.retry.initial-delay-ms, each next
 * one twice as long, each ± {@link #JITTER} at random (as Camel's collision avoidance), at most
 * wootric.retry.in-process-max-delay-ms. No retry once the application is stopping: the wait is cut short (checked
 * every {@link #RECHECK_MILLIS}) and the failure thrown, as it is when the thread is interrupted.
 */
public final class QuickRetries {

    /** How far a delay may be moved either way, as a share of it. */
    static final double JITTER = 0.15;
    /** A long wait is slept in slices of this length, checking between them whether the application stops. */
    static final long RECHECK_MILLIS = 1000;

    /** Waits; the hub's is {@link Thread#sleep(long)}. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** Told of each retry before its wait (for the log). */
    @FunctionalInterface
    public interface Listener {
        void retrying(TransientFailure failure, int retry, long delayMillis);
    }

    private final int retries;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public QuickRetries(int retries, long initialDelayMillis, long maxDelayMillis) {
        this(retries, initialDelayMillis, maxDelayMillis, Thread::sleep, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random numbers in [0, 1) that place each delay within its jitter */
    public QuickRetries(int retries, long initialDelayMillis, long maxDelayMillis, Sleeper sleeper, DoubleSupplier random) {
        if (retries < 0 || initialDelayMillis < 0 || maxDelayMillis < 0) {
            throw new IllegalArgumentException("negative quick-retry setting: in-process-attempts " + retries
                    + ", initial-delay-ms " + initialDelayMillis + ", in-process-max-delay-ms " + maxDelayMillis);
        }
        this.retries = retries;
        this.initialDelayMillis = initialDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * Runs the attempt, and again after each {@link TransientFailure} while retries are left and {@code stopping}
     * says no; then throws the last failure. Any other exception is thrown at once.
     */
    public void run(Runnable attempt, BooleanSupplier stopping, Listener listener) {
        for (int retry = 1; ; retry++) {
            try {
                attempt.run();
                return;
            } catch (TransientFailure failure) {
                if (retry > retries || stopping.getAsBoolean()) {
                    throw failure;
                }
                long delay = delay(retry);
                listener.retrying(failure, retry, delay);
                if (!waited(delay, stopping)) {
                    throw failure;
                }
            }
        }
    }

    /** The wait before retry number {@code retry} (from 1). */
    long delay(int retry) {
        long nominal = initialDelayMillis;
        for (int i = 1; i < retry && nominal < maxDelayMillis; i++) {
            nominal = nominal > maxDelayMillis / 2 ? maxDelayMillis : nominal * 2;
        }
        double variance = (random.getAsDouble() * 2 - 1) * JITTER;
        return Math.min((long) (nominal * (1 + variance)), maxDelayMillis);
    }

    /** @return false when the application started stopping or the thread was interrupted (its flag set again) */
    private boolean waited(long millis, BooleanSupplier stopping) {
        long left = millis;
        try {
            do {
                long slice = Math.min(left, RECHECK_MILLIS);
                sleeper.sleep(slice);
                left -= slice;
                if (stopping.getAsBoolean()) {
                    return false;
                }
            } while (left > 0);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
