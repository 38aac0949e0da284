package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the client tests share: the npm-installed clients in src/test/node run as a node script, and one new user whose
 * identify, survey response and page reach the Wootric fake.
 */
final class NodeClients {

    static final Path DIR = Path.of("src/test/node").toAbsolutePath();
    static final String WRITE_KEY = "test-key";

    private NodeClients() {
    }

    /** Checks that the build installed the library (npm ci in pre-integration-test). */
    static void requireInstalled(String library) {
        assertThat(DIR.resolve("node_modules/" + library)).as("npm ci ran in pre-integration-test").exists();
    }

    /** Wootric knows no user; the one created gets id 4242. */
    static void stubNewUser(WootricFake wootric) {
        wootric.server.stubFor(get(urlPathMatching("/v1/end_users/.*")).willReturn(aResponse().withStatus(404)));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users")).willReturn(okJson("{\"id\":4242}").withStatus(201)));
        wootric.server.stubFor(post(urlEqualTo("/v1/end_users/4242/responses")).willReturn(okJson("{\"id\":1}").withStatus(201)));
        wootric.server.stubFor(put(urlEqualTo("/v1/end_users/4242")).willReturn(okJson("{\"id\":4242}")));
    }

    /** Runs a script of src/test/node to its end (its output in target/it-logs/LOGNAME.log); it must exit 0. */
    static void run(String script, Map<String, String> env, String logName) throws Exception {
        run(script, env, logName, Duration.ofSeconds(90));
    }

    static void run(String script, Map<String, String> env, String logName, Duration timeout) throws Exception {
        Path output = Path.of("target", "it-logs", logName + ".log");
        Files.createDirectories(output.getParent());
        ProcessBuilder builder = new ProcessBuilder("node", DIR.resolve(script).toString())
                .directory(DIR.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process node = builder.start();
        if (!node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            node.destroyForcibly();
            throw new AssertionError(script + " did not finish: " + Files.readString(output));
        }
        assertThat(node.exitValue()).as(Files.readString(output)).isZero();
    }

    /** The user was created with its traits, and its survey response recorded; returns the page's property update. */
    static Map<String, String> assertDelivered(WootricFake wootric, String userId, String plan, String responseText) {
        var create = await().atMost(Duration.ofSeconds(30)).until(() -> wootric.requests("POST", "/v1/end_users"), r -> !r.isEmpty()).get(0);
        assertThat(WootricFake.form(create)).containsEntry("external_id", userId).containsEntry("email", userId + "@example.com")
                .containsEntry("properties[plan]", plan).containsEntry("external_created_at", "1420070400");

        var response = await().atMost(Duration.ofSeconds(30))
                .until(() -> wootric.requests("POST", "/v1/end_users/4242/responses"), r -> !r.isEmpty()).get(0);
        assertThat(WootricFake.form(response)).containsEntry("score", "9").containsEntry("text", responseText);

        var page = await().atMost(Duration.ofSeconds(30)).until(() -> wootric.requests("PUT", "/v1/end_users/4242"), r -> !r.isEmpty()).get(0);
        Map<String, String> update = WootricFake.form(page);
        assertThat(update).containsEntry("properties[page_name]", "Pricing").containsEntry("properties[plan]", plan);
        return update;
    }
}
