package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;

/** HttpIngress on its own: an exchange as platform-http hands it over, without a server. */
class HttpIngressTest {

    static final String SECRET = "shared-webhook-secret";
    static final String KEY = "test-key";
    private static final CamelContext CONTEXT = new DefaultCamelContext();

    private final HttpIngress ingress = new HttpIngress(new WriteKeys(KEY), new WebhookSignature(SECRET), IngressLimits.SEGMENT,
            false, Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC));

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    static Exchange request(String method, String uri, byte[] body, Map<String, String> headers) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, uri);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        headers.forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    static Exchange post(String uri, String body, Map<String, String> headers) {
        return request("POST", uri, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(IngressRejection.class, r -> {
            assertThat(r.status()).as(r.getMessage()).isEqualTo(status);
            assertThat(r.code()).isEqualTo(code);
        });
    }

    // ---------------------------------------------------------------- webhook signatures

    private static final String SIGNED = "{\"type\":\"identify\",\"userId\":\"u-signed\",\"messageId\":\"m-signed\"}";
    private static final String FORGED = "{\"type\":\"identify\",\"userId\":\"u-forged\",\"messageId\":\"m-forged\",\"traits\":{\"admin\":true}}";
    private static final String APPENDED = "[" + SIGNED + "," + FORGED + "]";

    private static String sign(String text) {
        return WebhookSignatureTest.hmacSha1Hex(SECRET, text);
    }

    @Test
    void anEventAppendedToASignedFirstElementIsRefusedWithoutAWriteKey() {
        assertRefused(() -> ingress.accept(post("/v1/webhook", APPENDED, Map.of("X-Signature", sign(SIGNED)))), 401, "unauthorized");
    }

    @Test
    void aFirstElementSignatureWithAWrongWriteKeyIsRefused() {
        assertRefused(() -> ingress.accept(post("/v1/webhook", APPENDED,
                Map.of("X-Signature", sign(SIGNED), "Authorization", basic("not-a-key")))), 401, "unauthorized");
    }

    @Test
    void aFirstElementSignatureWithAValidWriteKeyIsAccepted() {
        IntakeResult result = ingress.accept(post("/v1/webhook", APPENDED,
                Map.of("X-Signature", sign(SIGNED), "Authorization", basic(KEY))));
        assertThat(result.accepted()).extracting(QueuedEvent::messageId).containsExactly("m-signed", "m-forged");
    }

    @Test
    void aSignatureOverTheWholeBodyAuthenticatesTheRequestOnItsOwn() {
        assertThat(ingress.accept(post("/v1/webhook", APPENDED, Map.of("X-Signature", sign(APPENDED)))).accepted()).hasSize(2);
        assertThat(ingress.accept(post("/v1/webhook", SIGNED, Map.of("X-Signature", sign(SIGNED)))).accepted()).hasSize(1);
    }

    @Test
    void aWrongSignatureIsRefusedEvenWithAValidWriteKey() {
        assertRefused(() -> ingress.accept(post("/v1/webhook", APPENDED,
                Map.of("X-Signature", sign(FORGED), "Authorization", basic(KEY)))), 401, "invalid_signature");
    }
}
