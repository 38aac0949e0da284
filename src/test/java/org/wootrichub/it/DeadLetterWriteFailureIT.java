package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the dead letter itself cannot be written (here: the DLQ address refuses every message), the event is not
 * swallowed: the JMS transaction rolls back, the broker redelivers it, and past max-delivery-attempts the broker's
 * own dead-letter address keeps it.
 */
class DeadLetterWriteFailureIT {

    @TempDir
    Path work;

    @Test
    void aFailingDeadLetterWriteRollsBackAndTheBrokerKeepsTheEvent() throws Exception {
        try (StandaloneArtemis broker = new StandaloneArtemis(work, DeadLetterWriteFailureIT::refusingDeadLetters).start();
                WootricFake wootric = new WootricFake();
                HubProcess hub = HubProcess.create("dlq-write-failure", work.resolve("hub"), wootric.baseUrl(),
                        broker.hubEnvironment()).start();
                QueueProbe queues = new QueueProbe(broker.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD)) {
            // the DLQ address takes one message and then refuses every other (address-full-policy FAIL)
            queues.send("wootric.dlq", "{\"filler\":true}", java.util.Map.of());
            wootric.server.stubFor(get(urlEqualTo("/v1/end_users/dlw-1?lookup_by_external_id=true")).willReturn(okJson(
                    "{\"id\":44,\"external_id\":\"dlw-1\",\"properties\":{}}")));
            wootric.server.stubFor(put(urlEqualTo("/v1/end_users/44")).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"no\"}")));

            assertThat(new Ingress(hub.ingressUrl()).post("/v1/identify", "test-key",
                    "{\"userId\":\"dlw-1\",\"messageId\":\"msg-dlw-1\",\"traits\":{\"a\":1}}").statusCode()).isEqualTo(200);

            TextMessage kept = queues.await("hub.dla", t -> t.contains("msg-dlw-1"), Duration.ofSeconds(60));
            assertThat(kept.getText()).contains("\"userId\":\"dlw-1\"");
            // delivered (and refused) once per broker delivery: the failed dead-letter write was rolled back each time
            assertThat(wootric.requests("PUT", "/v1/end_users/44")).hasSize(3);
            assertThat(queues.count("wootric.dlq", t -> t.contains("msg-dlw-1"))).isZero();
        }
    }

    /** broker.xml with a DLQ address that refuses every message, and three delivery attempts on the events queue. */
    private static String refusingDeadLetters(String config) {
        int events = config.indexOf("<address-setting match=\"segment.events\">");
        int eventsEnd = config.indexOf("</address-setting>", events);
        String eventsBlock = config.substring(events, eventsEnd)
                .replace("<dead-letter-address>wootric.dlq</dead-letter-address>", "<dead-letter-address>hub.dla</dead-letter-address>")
                .replace("<max-delivery-attempts>50</max-delivery-attempts>", "<max-delivery-attempts>3</max-delivery-attempts>");
        config = config.substring(0, events) + eventsBlock + config.substring(eventsEnd);
        int dlq = config.indexOf("<address-setting match=\"wootric.dlq\">");
        int dlqEnd = config.indexOf("</address-setting>", dlq);
        String dlqBlock = config.substring(dlq, dlqEnd)
                .replace("<max-size-bytes>8388608</max-size-bytes>", "<max-size-bytes>1</max-size-bytes>")
                .replace("<address-full-policy>PAGE</address-full-policy>", "<address-full-policy>FAIL</address-full-policy>");
        return config.substring(0, dlq) + dlqBlock + config.substring(dlqEnd);
    }
}
