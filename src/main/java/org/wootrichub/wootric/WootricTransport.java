package org.wootrichub.wootric;

/** Sends one HTTP request to Wootric. The hub's implementation goes through the Camel routes in deliver-wootric. */
public interface WootricTransport {

    /**
     * @param bearer the access token, or null for the token endpoint itself
     * @throws TransientFailure when no answer came (connection refused, timeout, reset)
     */
    WootricAnswer send(String method, String url, String query, String formBody, String bearer, boolean apiCall);
}
