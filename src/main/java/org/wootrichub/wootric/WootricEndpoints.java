package org.wootrichub.wootric;

/**
 * Where the account's API and token endpoint are: the region follows the account token (NPS-EU-…, NPS-AU-…,
 * else US); a configured base URL overrides the host (tests point it at a local fake).
 */
public record WootricEndpoints(String apiBase, String tokenUrl) {

    public static WootricEndpoints of(String baseUrl, String accountToken) {
        if (baseUrl != null && !baseUrl.isBlank()) {
            String base = baseUrl.trim().replaceAll("/+$", "");
            return new WootricEndpoints(base + "/v1", base + "/oauth/token");
        }
        String token = accountToken == null ? "" : accountToken.trim().toUpperCase();
        if (token.startsWith("NPS-EU-")) {
            return new WootricEndpoints("https://app.wootric.eu/api/v1", "https://app.wootric.eu/oauth/token");
        }
        if (token.startsWith("NPS-AU-")) {
            return new WootricEndpoints("https://app.wootric.au/api/v1", "https://app.wootric.au/oauth/token");
        }
        return new WootricEndpoints("https://api.wootric.com/v1", "https://api.wootric.com/oauth/token");
    }
}
