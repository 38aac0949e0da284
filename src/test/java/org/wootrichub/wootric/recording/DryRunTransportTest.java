package org.wootrichub.wootric.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.wootric.EndUser;
import org.wootrichub.wootric.TokenSource;
import org.wootrichub.wootric.TransientFailure;
import org.wootrichub.wootric.WootricAnswer;
import org.wootrichub.wootric.WootricClient;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricEndpoints;
import org.wootrichub.wootric.WootricTransport;

/** The recording transport and the one that sends nothing: what they keep of each request, and never a secret. */
class DryRunTransportTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final WootricEndpoints ENDPOINTS = WootricEndpoints.of("http://wootric.test", "NPS-test",
            new WootricEndpoints.Hosts("https://us", "https://eu", "https://au"));
    private static final WootricCredentials CREDENTIALS = new WootricCredentials("NPS-test", "client-id", "client-secret-value",
            null, null);

    /** A Wootric that answers a token, one end user and 200s, and counts what it was sent. */
    private static final class Answering implements WootricTransport {
        final List<String> sent = new ArrayList<>();

        @Override
        public WootricAnswer send(String method, String url, String query, String formBody, String bearer, boolean apiCall) {
            sent.add(method + " " + url);
            if (!apiCall) {
                return new WootricAnswer(200, "{\"access_token\":\"secret-bearer-token\",\"expires_in\":7200}", Map.of());
            }
            if ("GET".equals(method)) {
                return new WootricAnswer(200, "{\"id\":7,\"external_id\":\"u-1\",\"properties\":{}}", Map.of());
            }
            return new WootricAnswer(201, "{\"id\":8}", Map.of());
        }
    }

    private static WootricClient client(WootricTransport transport, WootricCredentials credentials) {
        return new WootricClient(transport, new TokenSource(transport, ENDPOINTS, credentials, CLOCK), ENDPOINTS, HubMetrics.inMemory());
    }

    @Test
    void theRecordingTransportKeepsEachRequestWithItsStatusAndNoSecret() {
        Answering wootric = new Answering();
        List<WootricCall> calls = new ArrayList<>();
        try (CallLog.Open log = CallLog.into(calls)) {
            WootricClient client = client(new RecordingTransport(wootric, CLOCK), CREDENTIALS);
            client.findByExternalId("u-1");
            client.update("7", Map.of("properties[plan]", "pro"));
        }
        assertThat(calls).extracting(c -> c.method() + " " + c.url() + " " + c.status() + " " + c.sent()).containsExactly(
                "POST http://wootric.test/oauth/token 200 true",
                "GET http://wootric.test/v1/end_users/u-1?lookup_by_external_id=true 200 true",
                "PUT http://wootric.test/v1/end_users/7 201 true");
        assertThat(calls.get(0).form()).isNull();
        assertThat(calls.get(2).form()).containsExactly(Map.entry("properties[plan]", "pro"));
        String recorded = SegmentJson.write(SegmentJson.MAPPER.valueToTree(calls.stream().map(WootricCall::toJson).toList()));
        assertThat(recorded).doesNotContain("client-secret-value", "secret-bearer-token", "Bearer", "client_secret");
    }

    @Test
    void aPasswordGrantTokenRequestKeepsNeitherItsQueryNorItsForm() {
        List<WootricCall> calls = new ArrayList<>();
        try (CallLog.Open log = CallLog.into(calls)) {
            client(new RecordingTransport(new Answering(), CLOCK), new WootricCredentials("NPS-acct", null, null, "ann", "pass-word"))
                    .findById("7");
        }
        assertThat(calls.get(0).url()).isEqualTo("http://wootric.test/oauth/token");
        assertThat(SegmentJson.write(calls.get(0).toJson())).doesNotContain("pass-word", "ann", "NPS-acct");
    }

    @Test
    void withoutALogNothingIsKeptAndAFailedRequestIsKeptWithStatusZero() {
        WootricTransport failing = (method, url, query, form, bearer, api) -> {
            throw new TransientFailure("wootric_unreachable", "refused", 0, null, null, null);
        };
        new RecordingTransport(new Answering(), CLOCK).send("GET", "http://wootric.test/v1/end_users/1", null, null, "t", true);
        List<WootricCall> calls = new ArrayList<>();
        try (CallLog.Open log = CallLog.into(calls)) {
            assertThatThrownBy(() -> new RecordingTransport(failing, CLOCK).send("GET", "http://wootric.test/v1/end_users/1", null, null,
                    "t", true)).isInstanceOf(TransientFailure.class);
        }
        assertThat(calls).singleElement().satisfies(call -> assertThat(call.status()).isZero());
    }

    @Test
    void theDryRunSendsNothingAndAnswersAsWootricWould() {
        Answering wootric = new Answering();
        List<WootricCall> calls = new ArrayList<>();
        EndUser created;
        try (CallLog.Open log = CallLog.into(calls)) {
            WootricClient client = client(new DryRunTransport(null, CLOCK), DryRunTransport.CREDENTIALS);
            assertThat(client.findByEmail("ann@example.com")).isNull();
            created = client.create(Map.of("email", "ann@example.com"));
            assertThat(client.callOn(created.id(), "POST", "/responses", Map.of("score", "9"))).isTrue();
        }
        assertThat(wootric.sent).isEmpty();
        assertThat(created.id()).isEqualTo("dry-run-1");
        assertThat(calls).extracting(c -> c.method() + " " + c.url() + " " + c.status() + " " + c.sent()).containsExactly(
                "POST http://wootric.test/oauth/token 200 false",
                "GET http://wootric.test/v1/end_users/ann@example.com?lookup_by_email=true 404 false",
                "POST http://wootric.test/v1/end_users 201 false",
                "POST http://wootric.test/v1/end_users/dry-run-1/responses 201 false");
        assertThat(calls.get(3).form()).containsExactly(Map.entry("score", "9"));
    }

    @Test
    void liveLookupsGoToWootricAndWritesDoNot() {
        Answering wootric = new Answering();
        List<WootricCall> calls = new ArrayList<>();
        try (CallLog.Open log = CallLog.into(calls)) {
            WootricClient client = client(new DryRunTransport(new RecordingTransport(wootric, CLOCK), CLOCK), CREDENTIALS);
            EndUser found = client.findByExternalId("u-1");
            assertThat(client.update(found.id(), Map.of("properties[plan]", "pro"))).isTrue();
        }
        assertThat(wootric.sent).containsExactly("POST http://wootric.test/oauth/token",
                "GET http://wootric.test/v1/end_users/u-1");
        assertThat(calls).extracting(WootricCall::sent).containsExactly(true, true, false);
    }
}
