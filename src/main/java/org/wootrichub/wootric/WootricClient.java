package org.wootrichub.wootric;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
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

    /** Creates an end user; throws {@link AlreadyTaken} when Wootric says a unique field is already taken. */
    public EndUser create(Map<String, String> form) {
        WootricRequest request = new WootricRequest("POST", "/end_users", null, form);
        WootricAnswer answer = call(request);
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

    /**
     * A lookup: 404 is not found, and so is a 200 whose body holds no end user (an {@code error_list}, an empty
     * array), as Wootric answers some lookups.
     */
    private EndUser lookup(WootricRequest request) {
        WootricAnswer answer = call(request);
        if (answer.status() == 404) {
            return null;
        }
        requireOk(answer, request);
        JsonNode body = parseOrNull(answer.body());
        return body == null || body.has("error_list") ? null : EndUser.fromJson(body);
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
        if (answer.status() == 422) {
            Set<AlreadyTaken.Field> taken = AlreadyTaken.takenFields(answer.body());
            if (!taken.isEmpty() || "POST /v1/end_users".equals(request.operation()) && answer.body() != null
                    && answer.body().contains("already been taken")) {
                // a create's "already been taken" that names no field we know is the email race, as before
                throw new AlreadyTaken(taken.isEmpty() ? EnumSet.of(AlreadyTaken.Field.EMAIL) : taken,
                        request.operation() + " answered 422: " + taken + " already taken", 422,
                        AnswerClassifier.truncate(answer.body()), request.operation());
            }
        }
        if (!answer.ok()) {
            throw AnswerClassifier.failureFor(answer, request.operation());
        }
    }

    private static JsonNode parseOrNull(String body) {
        try {
            return body == null || body.isBlank() ? null : SegmentJson.parse(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
