package org.wootrichub.wootric;

import static org.assertj.core.api.Assertions.assertThat;
import org.wootrichub.it.HubDefaults;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** wootric-mapping.md, "Wootric API facts": the region follows the account token; a base URL overrides the host. */
class WootricEndpointsTest {

    @ParameterizedTest(name = "[{index}] token {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            # account token     | region | API base                          | token URL
            NPS-abc123          | us     | https://api.wootric.com/v1        | https://api.wootric.com/oauth/token
            NPS-EU-abc123       | eu     | https://app.wootric.eu/api/v1     | https://app.wootric.eu/oauth/token
            NPS-AU-abc123       | au     | https://app.wootric.au/api/v1     | https://app.wootric.au/oauth/token
            NPS-US-abc123       | us     | https://api.wootric.com/v1        | https://api.wootric.com/oauth/token
            NPS-EUabc           | us     | https://api.wootric.com/v1        | https://api.wootric.com/oauth/token
            abc-NPS-EU-123      | us     | https://api.wootric.com/v1        | https://api.wootric.com/oauth/token
            ''                  | us     | https://api.wootric.com/v1        | https://api.wootric.com/oauth/token
            null                | us     | https://api.wootric.com/v1        | https://api.wootric.com/oauth/token
            """)
    void theRegionFollowsTheAccountToken(String token, String region, String apiBase, String tokenUrl) {
        WootricEndpoints endpoints = WootricEndpoints.of(null, token, HubDefaults.wootricHosts());

        assertThat(endpoints.region()).isEqualTo(region);
        assertThat(endpoints.apiBase()).isEqualTo(apiBase);
        assertThat(endpoints.tokenUrl()).isEqualTo(tokenUrl);
    }

    @ParameterizedTest(name = "[{index}] base {0}, token {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # base URL                    | account token | API base                          | token URL
            http://localhost:8089         | NPS-abc       | http://localhost:8089/v1          | http://localhost:8089/oauth/token
            http://localhost:8089/        | NPS-EU-abc    | http://localhost:8089/v1          | http://localhost:8089/oauth/token
            http://fake.test/wootric//    | NPS-AU-abc    | http://fake.test/wootric/v1       | http://fake.test/wootric/oauth/token
            '  http://localhost:9000  '   | NPS-abc       | http://localhost:9000/v1          | http://localhost:9000/oauth/token
            """)
    void aBaseUrlOverridesTheHost(String baseUrl, String token, String apiBase, String tokenUrl) {
        WootricEndpoints endpoints = WootricEndpoints.of(baseUrl, token, HubDefaults.wootricHosts());

        assertThat(endpoints.apiBase()).isEqualTo(apiBase);
        assertThat(endpoints.tokenUrl()).isEqualTo(tokenUrl);
    }

    @ParameterizedTest(name = "[{index}] blank base URL {0} uses the region host")
    @CsvSource(delimiter = '|', textBlock = """
            ''
            '   '
            """)
    void aBlankBaseUrlDoesNotOverride(String baseUrl) {
        assertThat(WootricEndpoints.of(baseUrl, "NPS-EU-abc", HubDefaults.wootricHosts()).apiBase()).isEqualTo("https://app.wootric.eu/api/v1");
    }

    @ParameterizedTest(name = "[{index}] token {0} with host overrides")
    @CsvSource(delimiter = '|', textBlock = """
            # account token | API base                          | token URL
            NPS-abc         | http://us.fake:1001/v1            | http://us.fake:1001/oauth/token
            NPS-EU-abc      | http://eu.fake:1002/api/v1        | http://eu.fake:1002/oauth/token
            NPS-AU-abc      | http://au.fake:1003/api/v1        | http://au.fake:1003/oauth/token
            """)
    void regionHostsCanBeOverridden(String token, String apiBase, String tokenUrl) {
        WootricEndpoints.Hosts hosts = new WootricEndpoints.Hosts("http://us.fake:1001", "http://eu.fake:1002/", "http://au.fake:1003");

        WootricEndpoints endpoints = WootricEndpoints.of(null, token, hosts);

        assertThat(endpoints.apiBase()).isEqualTo(apiBase);
        assertThat(endpoints.tokenUrl()).isEqualTo(tokenUrl);
    }

    @ParameterizedTest(name = "[{index}] a base URL wins over host overrides for {0}")
    @CsvSource(delimiter = '|', textBlock = """
            NPS-abc
            NPS-EU-abc
            NPS-AU-abc
            """)
    void aBaseUrlWinsOverHostOverrides(String token) {
        WootricEndpoints.Hosts hosts = new WootricEndpoints.Hosts("http://us.fake", "http://eu.fake", "http://au.fake");

        WootricEndpoints endpoints = WootricEndpoints.of("http://localhost:8089", token, hosts);

        assertThat(endpoints.apiBase()).isEqualTo("http://localhost:8089/v1");
        assertThat(endpoints.tokenUrl()).isEqualTo("http://localhost:8089/oauth/token");
    }
}
