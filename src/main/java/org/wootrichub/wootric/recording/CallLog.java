package org.wootrichub.wootric.recording;

import java.util.List;

/**
 * Where the Wootric requests of one delivery (or preview) are written while it runs. A delivery runs on one thread,
 * its Wootric calls included (the routes of deliver-wootric are synchronous), so the log is the thread's; a call
 * made while no log is open is not recorded.
 */
public final class CallLog {

    private static final ThreadLocal<List<WootricCall>> CURRENT = new ThreadLocal<>();

    private CallLog() {
    }

    /** An open log, closed (and so no longer written) at the end of a try-with-resources block. */
    public interface Open extends AutoCloseable {
        @Override
        void close();
    }

    /** Writes this thread's calls into {@code calls} until closed; the log open before is restored then. */
    public static Open into(List<WootricCall> calls) {
        List<WootricCall> before = CURRENT.get();
        CURRENT.set(calls);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    static void add(WootricCall call) {
        List<WootricCall> calls = CURRENT.get();
        if (calls != null) {
            calls.add(call);
        }
    }
}
