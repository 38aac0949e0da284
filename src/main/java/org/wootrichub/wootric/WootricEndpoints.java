package org.wootrichub.wootric;

import java.util.Locale;

/**
 * Where the account's API and token endpoint are. The region follows the account token (NPS-EU-…, NPS-AU-…, else
 * US): US serves the API under HOST/v1, EU and AU under HOST/api/v1; the token is at HOST/oauth/token. The region
 * hosts can be overridden; a base URL overrides everything (API at BASE/v1).
 */
public record WootricEndpoints(String region, String apiBase, String tokenUrl) {

    /** The region hosts: the real ones by default, local fakes in tests. */
    public record Hosts(String us, String eu, String au) {
    }

    public static WootricEndpoints of(String baseUrl, String accountToken, Hosts hosts) {
        String region = region(accountToken);
        if (baseUrl != null && !baseUrl.isBlank()) {
            String base = trim(baseUrl);
            return new WootricEndpoints(region, base + "/v1", base + "/oauth/token");
        }
        return switch (region) {
            case "eu" -> new WootricEndpoints(region, trim(hosts.eu()) + "/api/v1", trim(hosts.eu()) + "/oauth/token");
            case "au" -> new WootricEndpoints(region, trim(hosts.au()) + "/api/v1", trim(hosts.au()) + "/oauth/token");
            default -> new WootricEndpoints(region, trim(hosts.us()) + "/v1", trim(hosts.us()) + "/oauth/token");
        };
    }

    static String region(String accountToken) {
        String token = accountToken == null ? "" : accountToken.trim().toUpperCase(Locale.ROOT);
        if (token.startsWith("NPS-EU-")) {
            return "eu";
        }
        return token.startsWith("NPS-AU-") ? "au" : "us";
    }

    private static String trim(String url) {
        return url.trim().replaceAll("/+$", "");
    }
}
