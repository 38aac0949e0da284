package org.wootrichub.it;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the integration test classes that share one hub process (and its WireMock Wootric) between their tests:
 * each class starts it in its own @BeforeAll with {@link #startHub}; it is stopped after the class.
 */
abstract class SharedHubIT {

    @TempDir
    static Path data;

    static RunningHub running;
    static WootricFake wootric;
    static HubProcess hub;
    static Ingress ingress;
    static QueueProbe queues;

    static void startHub(String name, Map<String, String> env) throws Exception {
        running = RunningHub.start(name, data, env);
        wootric = running.wootric;
        hub = running.hub;
        ingress = running.ingress;
        queues = running.queues;
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (running != null) {
            running.close();
            running = null;
        }
    }
}
