package org.wootrichub.bench;

import java.util.Arrays;

/** Latencies in nanoseconds; percentiles by sorting (the runs are bounded, so memory is too). */
final class Histogram {

    private long[] values = new long[1 << 16];
    private int size;

    synchronized void record(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized void reset() {
        size = 0;
    }

    synchronized long count() {
        return size;
    }

    synchronized double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(p / 100.0 * size) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
