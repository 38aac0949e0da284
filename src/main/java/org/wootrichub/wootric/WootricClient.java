package org.wootrichub.wootric;

import java.util.Map;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.event.SegmentJson;

/** Wootric's end-user API, with bearer auth (renewed once after a 401), 429 waits, and delivery.md's answer classification. */
public class WootricClient {

    private final WootricTransport transport;
    private final TokenSource tokens;
    private final WootricEndpoints endpoints;
    private final HubMetrics metrics;

    public WootricClient(WootricTransport transport, TokenSource tokens, WootricEndpoints endpoints, HubMetrics metrics) {
        this.transport = transport;
        this.tokens = tokens;
        this.endpoints = endpoints;
        this.metrics = metrics;
    }

    public EndUser findById(String id) {
        return lookup(new WootricRequest("GET", "/end_users/" + FormEncoding.pathSegment(id), null, null));
    }

    public EndUser findByExternalId(String externalId) {
        return lookup(new WootricRequest("GET", "/end_users/" + FormEncoding.pathSegment(externalId), "lookup_by_external_id=true", null));
    }

    public EndUser findByEmail(String email) {
        return lookup(new WootricRequest("GET", "/end_users/" + FormEncoding.pathSegment(email), "lookup_by_email=true", null));
    }

    /** Creates an end user; returns null when Wootric says the email is already taken. */
    public EndUser create(Map<String, String> form) {
        WootricRequest request = new WootricRequest("POST", "/end_users", null, form);
        WootricAnswer answer = call(request);
        if (!answer.ok() && answer.body() != null && answer.body().contains("already been taken")) {
            return null;
        }
        requireOk(answer, request);
        EndUser created = EndUser.fromJson(parseOrNull(answer.body()));
        if (created == null) {
            throw new PermanentFailure("wootric_rejected", "the end-user create answered no id", answer.status(),
                    AnswerClassifier.truncate(answer.body()), request.operation());
        }
        return created;
    }

    /** Updates an end user; false when Wootric no longer knows the id (404). */
    public boolean update(String id, Map<String, String> form) {
        return callOn(id, "PUT", "", form);
    }

    /** A call on an end user (sub path such as "/responses"); false when the end user is gone (404). */
    public boolean callOn(String id, String method, String subPath, Map<String, String> form) {
        WootricRequest request = new WootricRequest(method, "/end_users/" + FormEncoding.pathSegment(id) + subPath, null, form);
        WootricAnswer answer = call(request);
        if (answer.status() == 404) {
            return false;
        }
        requireOk(answer, request);
        return true;
    }

    private EndUser lookup(WootricRequest request) {
        WootricAnswer answer = call(request);
        if (answer.status() == 404) {
            return null;
        }
        requireOk(answer, request);
        return EndUser.fromJson(parseOrNull(answer.body()));
    }

    /**
     * One call as Wootric will take it: a 429 waits (the rate limiter pauses until Wootric's reset) and is sent
     * again, never counted as a failure; a 401 renews the token once.
     */
    private WootricAnswer call(WootricRequest request) {
        boolean renewed = false;
        while (true) {
            String token = tokens.token();
            WootricAnswer answer = send(request, token);
            if (answer.status() == 429) {
                continue;
            }
            if (answer.status() == 401 && !renewed) {
                tokens.invalidate(token);
                renewed = true;
                continue;
            }
            return answer;
        }
    }

    private WootricAnswer send(WootricRequest request, String token) {
        String body = request.form() == null ? null : FormEncoding.encode(request.form());
        WootricAnswer answer;
        try {
            answer = transport.send(request.method(), endpoints.apiBase() + request.path(), request.query(), body, token, true);
        } catch (TransientFailure e) {
            metrics.wootricCall(request.operation(), "error");
            throw new TransientFailure(e.reason(), e.getMessage(), 0, null, request.operation(), e.getCause());
        }
        metrics.wootricCall(request.operation(), Integer.toString(answer.status()));
        return answer;
    }

    private static void requireOk(WootricAnswer answer, WootricRequest request) {
        if (!answer.ok()) {
            throw AnswerClassifier.failureFor(answer, request.operation());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode parseOrNull(String body) {
        try {
            return body == null || body.isBlank() ? null : SegmentJson.parse(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
