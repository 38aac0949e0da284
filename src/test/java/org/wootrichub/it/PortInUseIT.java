package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A hub that cannot listen on one of its ports stops at once, exit status 1, and says which port and which setting:
 * Camel's HTTP servers and Artemis only log the failure, which left a hub running that answered nobody. (The management
 * port goes the same way as the HTTP port.)
 */
class PortInUseIT {

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "HUB_HTTP_PORT, 0.0.0.0",
        "HUB_BROKER_EMBEDDED_TCP_PORT, 127.0.0.1"})
    void theHubStopsAndNamesThePort(String setting, String host) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(host));
                WootricFake wootric = new WootricFake()) {
            String port = Integer.toString(taken.getLocalPort());
            HubProcess hub = HubProcess.create("port-in-use-" + setting.toLowerCase(), data, wootric.baseUrl(), Map.of(setting, port));
            assertThatThrownBy(hub::start).hasMessageContaining("the hub exited with 1");
            assertThat(hub.logText()).contains("port " + port + " (" + setting + ")").contains("Address already in use");
        }
    }
}
