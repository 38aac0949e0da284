package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Node clients of the Tracking API, installed by the build with npm ci, send to the hub with their defaults: the
 * official Segment library (@segment/analytics-node) and RudderStack's (@rudderstack/rudder-sdk-node, which posts gzip
 * JSON labelled as a form).
 */
class NodeClientIT {

    @TempDir
    Path data;

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "send-events.mjs, @segment/analytics-node, node",
        "send-events-rudder.mjs, @rudderstack/rudder-sdk-node, rudder"
    })
    void identifyTrackAndPageFromANodeClientReachWootric(String script, String library, String client) throws Exception {
        NodeClients.requireInstalled(library);
        String userId = client + "-1";
        try (WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create(client + "-client", data, wootric.baseUrl(), Map.of()).start()) {
            NodeClients.stubNewUser(wootric);

            NodeClients.run(script, Map.of("HUB_URL", hub.ingressUrl(), "WRITE_KEY", NodeClients.WRITE_KEY, "USER_ID", userId),
                    client + "-client-send");

            assertThat(NodeClients.assertDelivered(wootric, userId, client, "from " + client))
                    .containsEntry("properties[page_path]", "/pricing")
                    .containsEntry("properties[page_url]", "https://example.com/pricing");
        }
    }
}
