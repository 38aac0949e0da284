package org.wootrichub.delivery;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Camel service that runs one task every period on a daemon thread of its own, from start until stop. */
abstract class PeriodicService extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicService.class);

    private final String threadName;
    private final Duration every;
    private ScheduledExecutorService timer;

    /** @param every zero (or less) turns the task off */
    PeriodicService(String threadName, Duration every) {
        this.threadName = threadName;
        this.every = every;
    }

    /** The task; the next period runs it again whatever this one threw. */
    protected abstract void runPeriodically();

    @Override
    protected void doStart() {
        if (every.isZero() || every.isNegative()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::runCatching, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runCatching() {
        try {
            runPeriodically();
        } catch (RuntimeException | LinkageError e) {
            // caught, not thrown: a scheduled task that throws is never run again
            LOG.warn("{} failed ({}); tried again in {}", threadName, e.toString(), every);
        }
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
