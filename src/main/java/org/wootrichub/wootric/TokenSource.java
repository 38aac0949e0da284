package org.wootrichub.wootric;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.event.SegmentJson;

/** The account's OAuth access token: fetched once, shared, renewed a minute before it expires or after a 401. */
public class TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(TokenSource.class);
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(60);
    private static final String OPERATION = "POST /oauth/token";

    private final WootricTransport transport;
    private final WootricEndpoints endpoints;
    private final WootricCredentials credentials;
    private final Clock clock;

    private String token;
    private Instant renewAt = Instant.MIN;

    public TokenSource(WootricTransport transport, WootricEndpoints endpoints, WootricCredentials credentials, Clock clock) {
        this.transport = transport;
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.clock = clock;
    }

    public synchronized String token() {
        if (token == null || !clock.instant().isBefore(renewAt)) {
            fetch();
        }
        return token;
    }

    /** Drops the given token after Wootric refused it, unless another thread already renewed it. */
    public synchronized void invalidate(String refused) {
        if (refused != null && refused.equals(token)) {
            token = null;
        }
    }

    /**
     * The token endpoint refused the credentials (also a 404 or a 200 with an error: a wrong account token). The
     * message names the account token, which is no secret, so the operator knows what to check.
     */
    private PermanentFailure refused(WootricAnswer answer) {
        String account = credentials.accountToken() == null || credentials.accountToken().isBlank()
                ? "no account token (WOOTRIC_ACCOUNT_TOKEN)" : "account token " + credentials.accountToken();
        return new PermanentFailure("auth_failed", "the token endpoint refused the credentials (" + answer.status()
                + "); check the " + account + " and the client id and secret", answer.status(),
                AnswerClassifier.truncate(answer.body()), OPERATION);
    }

    private void fetch() {
        if (!credentials.configured()) {
            throw PermanentFailure.of("auth_failed", "no Wootric credentials configured (WOOTRIC_CLIENT_ID/WOOTRIC_CLIENT_SECRET)");
        }
        WootricAnswer answer = transport.send("POST", endpoints.tokenUrl(), credentials.tokenQuery(),
                FormEncoding.encode(credentials.tokenForm()), null, false);
        if (!answer.ok()) {
            DeliveryFailure failure = answer.status() == 400 || answer.status() == 401 || answer.status() == 403 || answer.status() == 404
                    ? refused(answer)
                    : AnswerClassifier.failureFor(answer, OPERATION);
            LOG.warn("Wootric token request failed: {}", failure.getMessage());
            throw failure;
        }
        JsonNode body;
        try {
            body = SegmentJson.parse(answer.body());
        } catch (IllegalArgumentException e) {
            throw new TransientFailure("wootric_unavailable", "the token endpoint answered no JSON", answer.status(), null, OPERATION, e);
        }
        if (body.has("error")) {
            // a 200 with {"error": ...}: Wootric's answer to a wrong account token
            PermanentFailure failure = refused(answer);
            LOG.warn("Wootric token request failed: {}", failure.getMessage());
            throw failure;
        }
        String accessToken = SegmentJson.text(body, "access_token");
        if (accessToken == null) {
            throw new TransientFailure("wootric_unavailable", "the token endpoint answered no access_token", answer.status(), null, OPERATION, null);
        }
        long expiresIn = body.path("expires_in").asLong(7200);
        token = accessToken;
        renewAt = clock.instant().plusSeconds(expiresIn).minus(RENEW_BEFORE);
        LOG.debug("Wootric access token obtained, valid for {} s", expiresIn);
    }
}
