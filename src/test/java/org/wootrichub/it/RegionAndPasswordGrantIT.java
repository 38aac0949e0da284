package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An EU account token sends to the EU host under /api/v1; the password grant names the account on the token URL. */
class RegionAndPasswordGrantIT {

    @TempDir
    Path data;

    @Test
    void euTokenUsesTheEuHostAndApiPathWithThePasswordGrant() throws Exception {
        try (WootricFake eu = new WootricFake(); WootricFake us = new WootricFake()) {
            eu.server.stubFor(get(urlEqualTo("/api/v1/end_users/eu-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":31,\"external_id\":\"eu-1\",\"properties\":{}}")));
            eu.server.stubFor(put(urlEqualTo("/api/v1/end_users/31")).willReturn(okJson("{\"id\":31}")));
            us.server.stubFor(get(urlPathMatching(".*")).willReturn(aResponse().withStatus(500)));
            Map<String, String> env = Map.of(
                    "WOOTRIC_BASE_URL", "",
                    "WOOTRIC_HOSTS_EU", eu.baseUrl(),
                    "WOOTRIC_HOSTS_US", us.baseUrl(),
                    "WOOTRIC_ACCOUNT_TOKEN", "NPS-EU-abc123",
                    "WOOTRIC_CLIENT_ID", "",
                    "WOOTRIC_CLIENT_SECRET", "",
                    "WOOTRIC_USERNAME", "ops@example.com",
                    "WOOTRIC_PASSWORD", "pa55word-secret");
            try (HubProcess hub = HubProcess.create("region-password", data, "unused", env).start()) {
                assertThat(new Ingress(hub.ingressUrl()).post("/v1/identify", "test-key",
                        "{\"userId\":\"eu-1\",\"traits\":{\"plan\":\"eu\"}}").statusCode()).isEqualTo(200);

                LoggedRequest update = await().atMost(Duration.ofSeconds(20))
                        .until(() -> eu.requests("PUT", "/api/v1/end_users/31"), r -> !r.isEmpty()).get(0);
                assertThat(WootricFake.form(update)).containsEntry("properties[plan]", "eu");
                assertThat(update.getHeader("Authorization")).startsWith("Bearer tok-");

                LoggedRequest token = eu.requests("POST", "/oauth/token").get(0);
                assertThat(token.getUrl()).isEqualTo("/oauth/token?account_token=NPS-EU-abc123");
                assertThat(WootricFake.form(token)).containsEntry("grant_type", "password")
                        .containsEntry("username", "ops@example.com").containsEntry("password", "pa55word-secret")
                        .doesNotContainKey("client_secret");
                assertThat(us.server.getAllServeEvents()).isEmpty();
                assertThat(hub.logText()).doesNotContain("pa55word-secret");
            }
        }
    }
}
