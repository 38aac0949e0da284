package org.wootrichub.wootric;

import static org.assertj.core.api.Assertions.assertThat;
import org.wootrichub.it.HubDefaults;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** wootric-mapping.md, "Auth": client credentials, or the password grant with the account token on the token URL. */
class WootricCredentialsTest {

    private static final String SECRET = "s3cr3t-client-secret";
    private static final String PASSWORD = "p4ssw0rd-of-the-user";

    private static final WootricCredentials CLIENT = new WootricCredentials("NPS-abc123", "client-1", SECRET, null, null);
    private static final WootricCredentials PASSWORD_GRANT =
            new WootricCredentials("NPS-EU-abc123", null, null, "ops@example.com", PASSWORD);

    @Test
    void clientCredentialsForm() {
        assertThat(CLIENT.usesPasswordGrant()).isFalse();
        assertThat(CLIENT.configured()).isTrue();
        assertThat(CLIENT.tokenForm()).containsExactly(
                Map.entry("grant_type", "client_credentials"),
                Map.entry("client_id", "client-1"),
                Map.entry("client_secret", SECRET));
        assertThat(CLIENT.tokenQuery()).as("no query for client credentials").isNull();
    }

    @Test
    void clientCredentialsFormEncoded() {
        assertThat(FormEncoding.encode(CLIENT.tokenForm()))
                .isEqualTo("grant_type=client_credentials&client_id=client-1&client_secret=" + SECRET);
    }

    @Test
    void passwordGrantForm() {
        assertThat(PASSWORD_GRANT.usesPasswordGrant()).isTrue();
        assertThat(PASSWORD_GRANT.configured()).isTrue();
        assertThat(PASSWORD_GRANT.tokenForm()).containsExactly(
                Map.entry("grant_type", "password"),
                Map.entry("username", "ops@example.com"),
                Map.entry("password", PASSWORD));
        assertThat(PASSWORD_GRANT.tokenQuery()).isEqualTo("account_token=NPS-EU-abc123");
    }

    @Test
    void passwordGrantFormEncoded() {
        assertThat(FormEncoding.encode(PASSWORD_GRANT.tokenForm()))
                .isEqualTo("grant_type=password&username=ops%40example.com&password=" + PASSWORD);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            # description                          | account | clientId | secret | username         | password | configured
            client credentials                     | NPS-a   | c1       | s1     | null             | null     | true
            client id without secret               | NPS-a   | c1       | null   | null             | null     | false
            blank client id and secret             | NPS-a   | ' '      | ' '    | null             | null     | false
            password grant                         | NPS-a   | null     | null   | u@example.com    | pw       | true
            nothing                                | NPS-a   | null     | null   | null             | null     | false
            """)
    void configured(String description, String account, String clientId, String secret, String username, String password,
            boolean configured) {
        assertThat(new WootricCredentials(account, clientId, secret, username, password).configured()).isEqualTo(configured);
    }

    @Test
    void toStringNeverShowsTheSecretOrThePassword() {
        WootricCredentials everything = new WootricCredentials("NPS-abc123", "client-1", SECRET, "ops@example.com", PASSWORD);

        for (WootricCredentials credentials : List.of(CLIENT, PASSWORD_GRANT, everything)) {
            assertThat(credentials.toString()).doesNotContain(SECRET).doesNotContain(PASSWORD)
                    .doesNotContain("s3cr3t").doesNotContain("p4ssw0rd");
        }
    }

    @Test
    void secretsListsTheValuesToMask() {
        assertThat(CLIENT.secrets()).contains(SECRET);
        assertThat(PASSWORD_GRANT.secrets()).contains(PASSWORD);
    }

    // ---------------------------------------------------------------- as sent by TokenSource

    private record Sent(String method, String url, String query, String body, String bearer, boolean apiCall) {
    }

    private static List<Sent> fetchToken(WootricCredentials credentials, WootricEndpoints endpoints) {
        List<Sent> sent = new ArrayList<>();
        WootricTransport transport = (method, url, query, body, bearer, apiCall) -> {
            sent.add(new Sent(method, url, query, body, bearer, apiCall));
            return new WootricAnswer(200, "{\"access_token\":\"tok\",\"token_type\":\"Bearer\",\"expires_in\":7200}", Map.of());
        };
        assertThat(new TokenSource(transport, endpoints, credentials, Clock.systemUTC()).token()).isEqualTo("tok");
        return sent;
    }

    @Test
    void clientCredentialsArePostedToTheTokenUrlWithoutQuery() {
        List<Sent> sent = fetchToken(CLIENT, WootricEndpoints.of(null, CLIENT.accountToken(), HubDefaults.wootricHosts()));

        assertThat(sent).containsExactly(new Sent("POST", "https://api.wootric.com/oauth/token", null,
                "grant_type=client_credentials&client_id=client-1&client_secret=" + SECRET, null, false));
    }

    @Test
    void passwordGrantIsPostedWithTheAccountTokenOnTheTokenUrl() {
        List<Sent> sent = fetchToken(PASSWORD_GRANT, WootricEndpoints.of(null, PASSWORD_GRANT.accountToken(), HubDefaults.wootricHosts()));

        assertThat(sent).containsExactly(new Sent("POST", "https://app.wootric.eu/oauth/token", "account_token=NPS-EU-abc123",
                "grant_type=password&username=ops%40example.com&password=" + PASSWORD, null, false));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "token endpoint answering {0} {1}: auth_failed naming the account token")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
            404 | {"error":"not found"}
            200 | {"error":"invalid_client","error_description":"Account not found"}
            401 | {"error":"invalid_client"}
            """)
    void aWrongAccountTokenIsAuthFailed(int status, String body) {
        WootricTransport transport = (method, url, query, form, bearer, apiCall) -> new WootricAnswer(status, body, Map.of());
        TokenSource tokens = new TokenSource(transport, WootricEndpoints.of(null, CLIENT.accountToken(), HubDefaults.wootricHosts()), CLIENT, Clock.systemUTC());

        org.assertj.core.api.Assertions.assertThatThrownBy(tokens::token).isInstanceOf(PermanentFailure.class)
                .satisfies(e -> assertThat(((PermanentFailure) e).reason()).isEqualTo("auth_failed"))
                .hasMessageContaining("account token " + CLIENT.accountToken())
                .extracting(Throwable::getMessage).asString().doesNotContain(SECRET);
    }
}
