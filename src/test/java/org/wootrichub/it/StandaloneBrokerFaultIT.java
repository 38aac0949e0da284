package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Artemis (the apache-artemis bin distribution, unpacked by the build) configured with
 * docker/artemis/broker.xml, killed with -9 and restarted while events stream in: the ingress answers 503 while it is
 * down (and hub_broker_up says 0), recovers by itself, and nothing that got a 200 is lost. A broker that refuses the hub's
 * management requests is still up.
 */
class StandaloneBrokerFaultIT {

    @TempDir
    Path work;

    @Test
    void aBrokerKilledMidStreamLosesNothingThatGotA200() throws Exception {
        try (StandaloneArtemis broker = new StandaloneArtemis(work, config -> config).start();
                WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("standalone-broker", work.resolve("hub"), wootric.baseUrl(),
                        broker.hubEnvironment()).start()) {
            wootric.server.stubFor(get(urlPathMatching("/v1/end_users/sa-.*")).willReturn(okJson("{\"id\":55,\"properties\":{}}")));
            wootric.server.stubFor(put(urlPathMatching("/v1/end_users/55")).willReturn(okJson("{\"id\":55}")));
            Ingress ingress = new Ingress(hub.ingressUrl());
            Set<Integer> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger unavailable = new AtomicInteger();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                for (int seq = 0; sending.get(); seq++) {
                    try {
                        int status = ingress.post("/v1/identify", "test-key",
                                "{\"userId\":\"sa-" + (seq % 10) + "\",\"traits\":{\"seq\":" + seq + "}}").statusCode();
                        if (status == 200) {
                            accepted.add(seq);
                        } else if (status == 503) {
                            unavailable.incrementAndGet();
                        }
                        Thread.sleep(20);
                    } catch (Exception e) {
                        // counted as neither: the test only trusts 200s
                    }
                }
            });
            sender.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 50);

            assertThat(Metrics.value(hub, "hub_broker_up")).isEqualTo(1);
            broker.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> unavailable.get() >= 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value(hub, "hub_broker_up") == 0);
            int acceptedBeforeRestart = accepted.size();
            broker.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= acceptedBeforeRestart + 50);
            await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value(hub, "hub_broker_up") == 1);
            sending.set(false);
            sender.join(10_000);

            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(wootric).containsAll(accepted));
            assertThat(unavailable.get()).as("503 answers while the broker was down").isPositive();
            assertThat(hub.logText()).doesNotContain(StandaloneArtemis.PASSWORD);
        }
    }

    @Test
    void aBrokerThatRefusesTheQueueFiguresIsStillReachable() throws Exception {
        // the hub's user without the manage permission: a configuration fault the operator must not take for an outage
        try (StandaloneArtemis broker = new StandaloneArtemis(work,
                config -> config.replace("<permission type=\"manage\" roles=\"amq\"/>", "<permission type=\"manage\" roles=\"nobody\"/>"))
                .start();
                WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("standalone-broker-no-manage", work.resolve("hub"), wootric.baseUrl(),
                        broker.hubEnvironment()).start()) {
            assertThat(Metrics.value(hub, "hub_queue_messages", "queue", "segment.events")).as("the figure it refused").isNaN();
            assertThat(Metrics.value(hub, "hub_broker_up")).isEqualTo(1);
        }
    }

    private static Set<Integer> delivered(WootricFake wootric) {
        return wootric.requests("PUT", "/v1/end_users/55").stream()
                .map(r -> WootricFake.form(r).get("properties[seq]"))
                .filter(s -> s != null)
                .map(Integer::valueOf)
                .collect(Collectors.toSet());
    }

}
