package org.wootrichub.wootric.recording;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.wootric.WootricAnswer;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricTransport;

/**
 * A transport that sends nothing: each request is written into the thread's {@link CallLog} (as not sent) and
 * answered as Wootric would answer it when all goes well. A created end user gets an id of the form
 * {@code dry-run-N}; other writes answer 200; a token request answers a placeholder token. A lookup answers "not
 * found" (so an unknown user is created), unless {@code lookups} is given: then lookups (GETs) and the token request
 * they need go to it for real, and are recorded as sent by it. Serves the dry run (wootric.dry-run) and the preview.
 */
public class DryRunTransport implements WootricTransport {

    /** Credentials for a token source on this transport when nothing is sent: its token request is answered here. */
    public static final WootricCredentials CREDENTIALS = new WootricCredentials(null, "dry-run", "dry-run", null, null);

    private static final String TOKEN = "{\"access_token\":\"dry-run\",\"token_type\":\"Bearer\",\"expires_in\":7200}";

    private final WootricTransport lookups;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();

    /** @param lookups where lookups go for real, or null to answer them "not found" without asking anyone */
    public DryRunTransport(WootricTransport lookups, Clock clock) {
        this.lookups = lookups;
        this.clock = clock;
    }

    @Override
    public WootricAnswer send(String method, String url, String query, String formBody, String bearer, boolean apiCall) {
        if (lookups != null && (!apiCall || "GET".equals(method))) {
            return lookups.send(method, url, query, formBody, bearer, apiCall);
        }
        WootricAnswer answer = answer(method, url, apiCall);
        CallLog.add(WootricCall.of(method, url, query, formBody, apiCall, answer.status(), false, clock.instant(), 0));
        return answer;
    }

    private WootricAnswer answer(String method, String url, boolean apiCall) {
        if (!apiCall) {
            return new WootricAnswer(200, TOKEN, Map.of());
        }
        if ("GET".equals(method)) {
            return new WootricAnswer(404, "{\"error\":\"not looked up\"}", Map.of());
        }
        if ("POST".equals(method) && url.endsWith("/end_users")) {
            return new WootricAnswer(201, SegmentJson.MAPPER.createObjectNode().put("id", "dry-run-" + ids.incrementAndGet()).toString(),
                    Map.of());
        }
        return new WootricAnswer("POST".equals(method) ? 201 : 200, "{}", Map.of());
    }
}
