package org.wootrichub.wootric;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The account's OAuth credentials: client credentials, or else the password grant (user name and password, with the
 * account token on the token URL). toString never shows a secret.
 */
public record WootricCredentials(String accountToken, String clientId, String clientSecret, String username, String password) {

    public boolean usesPasswordGrant() {
        return (clientId == null || clientId.isBlank()) && username != null && !username.isBlank();
    }

    public boolean configured() {
        return usesPasswordGrant() || (clientId != null && !clientId.isBlank() && clientSecret != null && !clientSecret.isBlank());
    }

    public Map<String, String> tokenForm() {
        Map<String, String> form = new LinkedHashMap<>();
        if (usesPasswordGrant()) {
            form.put("grant_type", "password");
            form.put("username", username);
            form.put("password", password == null ? "" : password);
        } else {
            form.put("grant_type", "client_credentials");
            form.put("client_id", clientId == null ? "" : clientId);
            form.put("client_secret", clientSecret == null ? "" : clientSecret);
        }
        return form;
    }

    /** The token URL's query: the password grant names the account. */
    public String tokenQuery() {
        return usesPasswordGrant() && accountToken != null && !accountToken.isBlank()
                ? "account_token=" + java.net.URLEncoder.encode(accountToken, java.nio.charset.StandardCharsets.UTF_8) : null;
    }

    /** Every secret value, for masking wherever text leaves the hub. */
    public java.util.List<String> secrets() {
        return java.util.stream.Stream.of(clientSecret, password).filter(s -> s != null && s.length() >= 4).toList();
    }

    @Override
    public String toString() {
        return "WootricCredentials[clientId=" + clientId + ", grant=" + (usesPasswordGrant() ? "password" : "client_credentials") + "]";
    }
}
