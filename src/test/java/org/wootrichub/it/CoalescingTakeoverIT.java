package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.CoalescingStubs.identify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on one standalone Artemis broker, coalescing on, with changes pending in both when one of them dies. Each
 * pending change is sent once, by one instance: the dead one's by the survivor (the sweep hands them over), and a
 * hub that restarts beside a running one does not send the running one's changes too.
 */
class CoalescingTakeoverIT {

    private static final int USERS = 12;

    @TempDir
    Path work;

    @Test
    void aDeadInstancesPendingChangesAreSentByTheSurvivor() throws Exception {
        try (StandaloneArtemis broker = new StandaloneArtemis(Files.createDirectories(work.resolve("broker")), config -> config).start();
                WootricFake wootric = new WootricFake()) {
            Map<String, String> env = environment(broker);
            HubProcess one = HubProcess.create("coalescing-takeover-1", work.resolve("hub1"), wootric.baseUrl(), env).start();
            HubProcess two = HubProcess.create("coalescing-takeover-2", work.resolve("hub2"), wootric.baseUrl(), env).start();
            try {
                List<String> users = changeEveryUser(wootric, one, two, "takeover");
                two.kill();

                // no user sends anything again: without the sweep, the dead hub's users would wait for good
                await().atMost(Duration.ofSeconds(60)).until(() -> users.stream().allMatch(u -> updated(wootric, u)));
                Thread.sleep(1_000);
                for (String user : users) {
                    assertThat(CoalescingStubs.updates(wootric, user)).as("updates of " + user).hasSize(1);
                    assertThat(wootric.propertiesOf(user)).as(user).containsEntry("plan", "pro-" + user);
                }
            } finally {
                one.kill();
                two.kill();
            }
        }
    }

    @Test
    void aHubRestartingBesideARunningOneSendsNoChangeTwice() throws Exception {
        try (StandaloneArtemis broker = new StandaloneArtemis(Files.createDirectories(work.resolve("broker")), config -> config).start();
                WootricFake wootric = new WootricFake()) {
            Map<String, String> env = environment(broker);
            HubProcess one = HubProcess.create("coalescing-restart-1", work.resolve("hub1"), wootric.baseUrl(), env).start();
            HubProcess two = HubProcess.create("coalescing-restart-2", work.resolve("hub2"), wootric.baseUrl(), env).start();
            try {
                List<String> users = changeEveryUser(wootric, one, two, "restart");
                two.kill();
                // back while the running hub still holds its users' changes (quiet for 15 s): it must not send them too
                two = HubProcess.create("coalescing-restart-2", work.resolve("hub2"), wootric.baseUrl(), env).start();

                await().atMost(Duration.ofSeconds(60)).until(() -> users.stream().allMatch(u -> updated(wootric, u)));
                Thread.sleep(2_000);
                for (String user : users) {
                    assertThat(CoalescingStubs.updates(wootric, user)).as("updates of " + user).hasSize(1);
                }
            } finally {
                one.kill();
                two.kill();
            }
        }
    }

    private static Map<String, String> environment(StandaloneArtemis broker) {
        Map<String, String> env = new HashMap<>(broker.hubEnvironment());
        // changes stay pending long enough to kill a hub and start it again before any is sent
        env.putAll(Map.of("WOOTRIC_COALESCE_ENABLED", "true", "WOOTRIC_COALESCE_QUIET", "15s", "WOOTRIC_COALESCE_SWEEP", "2s",
                // the broker gives new message groups to the consumers in turn, in the order they came: with two per
                // hub, both hubs get users (with 16 each, 12 users all went to the first hub's consumers)
                "HUB_DISPATCH_CONSUMERS", "2"));
        return env;
    }

    /** One property change per user, pending in whichever hub receives the user's events; both hubs hold some. */
    private static List<String> changeEveryUser(WootricFake wootric, HubProcess one, HubProcess two, String prefix) throws Exception {
        CoalescingStubs.knowEveryUser(wootric);
        List<String> users = IntStream.range(0, USERS).mapToObj(u -> prefix + "-" + u).toList();
        Ingress ingress = new Ingress(one.ingressUrl());
        for (String user : users) {
            assertThat(ingress.post("/v1/identify", "test-key", identify(user, "\"plan\":\"pro-" + user + "\"")).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> pendingUsers(one) + pendingUsers(two) == USERS);
        assertThat(pendingUsers(two)).as("users whose changes the hub to be killed holds").isPositive();
        assertThat(pendingUsers(one)).as("users whose changes the running hub holds").isPositive();
        assertThat(wootric.requests("PUT", "/v1/end_users/")).as("nothing sent yet").isEmpty();
        return users;
    }

    private static double pendingUsers(HubProcess hub) throws Exception {
        return Metrics.value(hub, "hub_coalesce_pending_users");
    }

    private static boolean updated(WootricFake wootric, String user) {
        return !CoalescingStubs.updates(wootric, user).isEmpty();
    }
}
