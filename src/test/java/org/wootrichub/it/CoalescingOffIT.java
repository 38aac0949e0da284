package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.CoalescingStubs.identify;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With wootric.coalesce.enabled=false every property change is sent as it comes, in order, as before coalescing. */
class CoalescingOffIT extends SharedHubIT {

    @BeforeAll
    static void start() throws Exception {
        startHub("coalescing-off", Map.of("WOOTRIC_COALESCE_ENABLED", "false"));
    }

    @Test
    void everyIdentifyIsOneUpdateInOrderAndNothingIsPending() throws Exception {
        CoalescingStubs.knowEveryUser(wootric);
        for (int seq = 0; seq < 5; seq++) {
            assertThat(ingress.post("/v1/identify", "test-key", identify("off-1", "\"seq\":" + seq)).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> CoalescingStubs.updates(wootric, "off-1").size() >= 5);
        assertThat(CoalescingStubs.updates(wootric, "off-1")).extracting(r -> WootricFake.form(r).get("properties[seq]"))
                .containsExactly("0", "1", "2", "3", "4");
        assertThat(queues.browse("wootric.pending")).isEmpty();
        assertThat(Metrics.value(hub, "hub_coalesce_events_total")).isZero();
    }
}
