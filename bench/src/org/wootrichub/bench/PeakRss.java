package org.wootrichub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The peak resident memory (VmRSS) of a process, sampled every 100 ms. */
final class PeakRss implements AutoCloseable {

    private final long pid;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong peakKb = new AtomicLong();

    PeakRss(long pid) {
        this.pid = pid;
        sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    peakKb.accumulateAndGet(kb, Math::max);
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
    }

    /** The peak since the last reset, in MB. */
    long peakMb() {
        sample();
        return peakKb.get() / 1024;
    }

    void reset() {
        peakKb.set(0);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
