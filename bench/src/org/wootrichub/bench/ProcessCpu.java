package org.wootrichub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a process has used (user and system, from /proc/PID/stat). Per request or event it is the figure
 * that moves least when other work shares the machine: the throughput falls when the hub gets less CPU, the CPU it
 * spends on each request does not.
 */
final class ProcessCpu {

    /** Linux reports it in clock ticks of USER_HZ, 100 per second on every common platform. */
    private static final double MILLIS_PER_TICK = 10.0;

    private final long pid;
    private long startTicks;

    ProcessCpu(long pid) {
        this.pid = pid;
        this.startTicks = ticks();
    }

    void reset() {
        startTicks = ticks();
    }

    /** CPU milliseconds since creation or the last reset. */
    double millis() {
        return (ticks() - startTicks) * MILLIS_PER_TICK;
    }

    private long ticks() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
