package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of the hub in the middle of a stream: everything that was answered 200 is delivered after the restart. */
class CrashRecoveryIT {

    @TempDir
    Path data;

    @Test
    void everyAcceptedEventIsDeliveredAfterAKill9AndDuplicatesAreBoundedByWhatWasInFlight() throws Exception {
        try (WootricFake wootric = new WootricFake()) {
            wootric.server.stubFor(get(urlPathMatching("/v1/end_users/crash-.*")).willReturn(okJson("{\"id\":77,\"properties\":{}}")));
            wootric.server.stubFor(put(urlPathMatching("/v1/end_users/77")).willReturn(okJson("{\"id\":77}")));
            Set<Integer> accepted = ConcurrentHashMap.newKeySet();
            HubProcess first = HubProcess.create("crash-1", data, wootric.baseUrl(), Map.of()).start();
            Ingress ingress = new Ingress(first.ingressUrl());
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(() -> {
                for (int seq = 0; sending.get() && seq < 100_000; seq++) {
                    try {
                        if (ingress.post("/v1/identify", "test-key",
                                "{\"userId\":\"crash-" + (seq % 20) + "\",\"traits\":{\"seq\":" + seq + "}}").statusCode() == 200) {
                            accepted.add(seq);
                        }
                    } catch (Exception e) {
                        // the hub is gone
                    }
                }
            });
            sender.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 300 && delivered(wootric).size() >= 50);
            first.kill();
            sending.set(false);
            sender.join(10_000);

            try (HubProcess second = HubProcess.create("crash-2", data, wootric.baseUrl(), Map.of()).start();
                    QueueProbe queues = new QueueProbe(second.brokerUrl())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> delivered(wootric).containsAll(accepted));
                Thread.sleep(1000);
                long puts = wootric.requests("PUT", "/v1/end_users/77").size();
                long distinct = delivered(wootric).size();
                // a delivery that happened just before the kill, not yet committed, is repeated: at most one per consumer
                assertThat(puts - distinct).as("duplicates").isLessThanOrEqualTo(Integer.parseInt(HubDefaults.get("hub.dispatch.consumers")));
                assertThat(queues.count("wootric.dlq", t -> t.contains("crash-"))).isZero();
            }
        }
    }

    private static Set<Integer> delivered(WootricFake wootric) {
        return wootric.requests("PUT", "/v1/end_users/77").stream()
                .map(r -> WootricFake.form(r).get("properties[seq]"))
                .filter(s -> s != null)
                .map(Integer::valueOf)
                .collect(Collectors.toSet());
    }
}
