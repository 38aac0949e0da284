package org.wootrichub.wootric.recording;

import java.time.Clock;
import java.time.Instant;
import org.wootrichub.wootric.WootricAnswer;
import org.wootrichub.wootric.WootricTransport;

/** A transport that writes every request it sends, with Wootric's status, into the thread's {@link CallLog}. */
public class RecordingTransport implements WootricTransport {

    private final WootricTransport delegate;
    private final Clock clock;

    public RecordingTransport(WootricTransport delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public WootricAnswer send(String method, String url, String query, String formBody, String bearer, boolean apiCall) {
        Instant at = clock.instant();
        long start = System.nanoTime();
        int status = 0;
        try {
            WootricAnswer answer = delegate.send(method, url, query, formBody, bearer, apiCall);
            status = answer.status();
            return answer;
        } finally {
            CallLog.add(WootricCall.of(method, url, query, formBody, apiCall, status, true, at, (System.nanoTime() - start) / 1_000_000));
        }
    }
}
