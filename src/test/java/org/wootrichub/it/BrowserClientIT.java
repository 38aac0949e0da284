package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web page on another origin sends to the hub with Segment's analytics-next (bundled by the build, no CDN), in
 * headless Chromium (Debian's chromium, driven by playwright-core): the browser asks the hub for CORS before it lets the
 * page's calls through, so this fails without the hub's CORS answers.
 */
class BrowserClientIT {

    private static final Path BUNDLE = Path.of("target/browser/page.js").toAbsolutePath();

    @TempDir
    Path data;

    @Test
    void identifyTrackAndPageFromAPageOnAnotherOriginReachWootric() throws Exception {
        NodeClients.requireInstalled("playwright-core");
        assertThat(BUNDLE).as("npm run bundle ran in pre-integration-test").exists();
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("browser-client", data, wootric.baseUrl(), Map.of()).start()) {
            NodeClients.stubNewUser(wootric);

            String hubHost = URI.create(hub.ingressUrl()).getAuthority();
            NodeClients.run("browser-events.mjs", Map.of("HUB", hubHost, "WRITE_KEY", NodeClients.WRITE_KEY, "USER_ID", "browser-1",
                    "BUNDLE", BUNDLE.toString(), "CHROMIUM", System.getProperty("chromium")), "browser-client-send");

            assertThat(NodeClients.assertDelivered(wootric, "browser-1", "browser", "from the browser"))
                    .containsEntry("properties[page_path]", "/index.html")
                    .hasEntrySatisfying("properties[page_url]", url -> assertThat(url).startsWith("http://localhost:"));
        }
    }
}
