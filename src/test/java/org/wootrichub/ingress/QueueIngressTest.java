package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wootrichub.broker.IntakeResult;

/** segment-ingress.md, "Queue ingress": what cannot be queued goes to segment.rejected, without the write key. */
class QueueIngressTest {

    private final QueueIngress ingress = new QueueIngress(IngressLimits.SEGMENT, Clock.systemUTC());

    @ParameterizedTest(name = "{0} -> {1}, stored without the write key")
    @CsvSource(delimiter = '|', value = {
            "{\"writeKey\":\"wk-secret-1234\",\"batch\":{\"type\":\"identify\"}}                      | invalid_batch",
            "{\"writeKey\":\"wk-secret-1234\",\"batch\":[{\"type\":\"track\",\"userId\":\"u\"}]}       | missing_event",
            "[{\"type\":\"track\",\"userId\":\"u\",\"writeKey\":\"wk-secret-1234\"}]                    | missing_event",
            "{\"writeKey\" : \"wk-secret-1234\", \"batch\":[ not json                                 | invalid_json",
            "{\"writeKey\":\"wk-secret\\\"1234\"                                                        | invalid_json"})
    void rejectedBodiesNeverCarryTheWriteKey(String body, String reason) {
        IntakeResult result = ingress.accept(body);
        assertThat(result.accepted()).isEmpty();
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.json()).doesNotContain("wk-secret").doesNotContain("1234");
        });
    }
}
