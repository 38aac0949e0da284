package org.wootrichub.wootric;

import java.util.Map;

/** One call of Wootric's API: method, path below the API base (e.g. "/end_users/12"), query and form fields. */
public record WootricRequest(String method, String path, String query, Map<String, String> form) {

    /** How the call is named in logs, metrics and dead letters: the method and path without ids or emails. */
    public String operation() {
        return method + " /v1" + path.replaceAll("/end_users/[^/]+", "/end_users/{id}");
    }
}
