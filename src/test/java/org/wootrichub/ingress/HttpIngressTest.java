package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;
import org.wootrichub.observe.CapturedLogs;

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

    // ---------------------------------------------------------------- strict bodies

    private static final Map<String, String> KEYED = Map.of("Authorization", basic(KEY));

    @ParameterizedTest(name = "trailing data: {0}")
    @ValueSource(strings = {
            "{\"userId\":\"u1\",\"event\":\"E\"}{\"userId\":\"u2\",\"event\":\"E\"}",
            "{\"userId\":\"u1\",\"event\":\"E\"} garbage",
            "{\"userId\":\"u1\",\"event\":\"E\"} 42",
            "{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}]}]"})
    void trailingDataAfterTheJsonValueIsA400(String body) {
        String path = body.startsWith("{\"batch\"") ? "/v1/batch" : "/v1/track";
        assertRefused(() -> ingress.accept(post(path, body, KEYED)), 400, "invalid_json");
    }

    @Test
    void whitespaceAfterTheJsonValueIsFine() {
        assertThat(ingress.accept(post("/v1/track", "{\"userId\":\"u1\",\"event\":\"E\"} \r\n", KEYED)).accepted()).hasSize(1);
    }

    static Stream<Arguments> malformedUtf8() {
        return Stream.of(
                Arguments.of("overlong '/' (C0 AF)", new byte[] {(byte) 0xC0, (byte) 0xAF}),
                Arguments.of("overlong NUL (E0 80 80)", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}),
                Arguments.of("encoded lone surrogate (ED A0 80)", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                Arguments.of("truncated sequence (E2 82)", new byte[] {(byte) 0xE2, (byte) 0x82}),
                Arguments.of("Latin-1 byte (E9)", new byte[] {(byte) 0xE9}),
                Arguments.of("escaped lone high surrogate", "\\ud800".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("escaped lone low surrogate", "\\udc00x".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest(name = "{0} in a string -> 400")
    @MethodSource("malformedUtf8")
    void malformedUtf8IsA400(String description, byte[] bad) {
        byte[] head = "{\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"name\":\"a".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(bad, 0, body, head.length, bad.length);
        System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
        assertRefused(() -> ingress.accept(request("POST", "/v1/track", body, KEYED)), 400, "invalid_json");
    }

    @Test
    void behindATrustedProxyTheSenderIsTheFirstForwardedAddress() {
        HttpIngress behindProxy = new HttpIngress(new WriteKeys(KEY), new WebhookSignature(SECRET), IngressLimits.SEGMENT,
                true, Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC));
        Map<String, String> headers = Map.of("Authorization", basic(KEY), "X-Forwarded-For", " 198.51.100.7 , 10.0.0.1");

        assertThat(behindProxy.accept(post("/v1/track", "{\"userId\":\"u1\",\"event\":\"E\"}", headers)).accepted())
                .singleElement().satisfies(q -> assertThat(q.json()).contains("\"ip\":\"198.51.100.7\""));
        assertThat(ingress.accept(post("/v1/track", "{\"userId\":\"u1\",\"event\":\"E\"}", headers)).accepted())
                .singleElement().satisfies(q -> assertThat(q.json()).doesNotContain("198.51.100.7"));
    }

    @Test
    void aBodyInUtf16IsA400() {
        // plain ASCII bodies are handed to Jackson as bytes: one in UTF-16 must not be taken for what it encodes
        byte[] body = "{\"userId\":\"u1\",\"event\":\"E\"}".getBytes(StandardCharsets.UTF_16BE);
        assertRefused(() -> ingress.accept(request("POST", "/v1/track", body, KEYED)), 400, "invalid_json");
    }

    @Test
    void wellFormedUtf8AndEscapedPairsAreFine() {
        String body = "{\"userId\":\"Zoë\",\"event\":\"E\",\"properties\":{\"emoji\":\"\uD83D\uDE00\",\"escaped\":\"\\ud83d\\ude00\"}}";
        assertThat(ingress.accept(post("/v1/track", "\uFEFF" + body, KEYED)).accepted()).singleElement()
                .satisfies(q -> assertThat(q.json()).contains("Zoë").contains("\uD83D\uDE00"));
    }

    @ParameterizedTest(name = "number {0} is refused, never stored as Infinity")
    @ValueSource(strings = {"1e400", "-1e400", "1.5E+999"})
    void nonFiniteNumbersAreA400(String number) {
        assertRefused(() -> ingress.accept(post("/v1/track",
                "{\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"score\":" + number + "}}", KEYED)), 400, "invalid_json");
    }

    @Test
    void largeFiniteNumbersAreKeptAsWritten() {
        String body = "{\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"big\":123456789012345678901234567890,\"small\":1e-5}}";
        assertThat(ingress.accept(post("/v1/track", body, KEYED)).accepted()).singleElement()
                .satisfies(q -> assertThat(q.json()).contains("123456789012345678901234567890").doesNotContain("Infinity"));
    }

    // ---------------------------------------------------------------- the body decides, not the Content-Type

    static final String[] FORM_TYPES = {"multipart/form-data; boundary=x", "Multipart/Mixed; boundary=x",
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"};

    private static Exchange labelled(String contentType, byte[] body, Map<String, String> headers) {
        Exchange exchange = request("POST", "/v1/track", body, headers);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        return exchange;
    }

    @ParameterizedTest(name = "JSON labelled {0} is accepted")
    @ValueSource(strings = {"multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/octet-stream", "image/png"})
    void jsonIsAcceptedWhateverTheContentTypeSays(String contentType) {
        Exchange exchange = labelled(contentType, "{\"userId\":\"u1\",\"event\":\"E\"}".getBytes(StandardCharsets.UTF_8), KEYED);
        assertThat(ingress.accept(exchange).accepted()).hasSize(1);
    }

    @Test
    void gzipJsonLabelledFormIsAcceptedAsRudderSdkNodeSendsIt() {
        byte[] gzipped = BodyDecoderTest.gzip("{\"batch\":[{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}]}".getBytes(StandardCharsets.UTF_8));
        Exchange exchange = labelled("application/x-www-form-urlencoded", gzipped, Map.of("Authorization", basic(KEY), "Content-Encoding", "gzip"));
        exchange.getMessage().setHeader(Exchange.HTTP_URI, "/v1/batch");
        assertThat(ingress.accept(exchange).accepted()).hasSize(1);
    }

    static Stream<Arguments> notJsonLabelledForm() {
        return Stream.of(FORM_TYPES).flatMap(type -> Stream.of(Arguments.of(type, "userId=u1&event=E", null),
                Arguments.of(type, "", null), Arguments.of(type, "not gzip", "gzip")));
    }

    @ParameterizedTest(name = "not JSON labelled {0}, body \"{1}\", encoding {2} -> 415")
    @MethodSource("notJsonLabelledForm")
    void aBodyThatIsNotJsonLabelledFormOrMultipartIsA415(String contentType, String body, String encoding) {
        Map<String, String> headers = encoding == null ? KEYED : Map.of("Authorization", basic(KEY), "Content-Encoding", encoding);
        assertRefused(() -> ingress.accept(labelled(contentType, body.getBytes(StandardCharsets.UTF_8), headers)), 415, "unsupported_media_type");
    }

    @ParameterizedTest(name = "not JSON labelled \"{0}\" -> 400 invalid_json")
    @ValueSource(strings = {"application/json", "text/plain", "application/octet-stream", ""})
    void aBodyThatIsNotJsonLabelledAnythingElseIsA400(String contentType) {
        assertRefused(() -> ingress.accept(labelled(contentType, "userId=u1&event=E".getBytes(StandardCharsets.UTF_8), KEYED)),
                400, "invalid_json");
    }

    @ParameterizedTest(name = "{0} /v1/track -> 405")
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
    void otherMethodsAreA405(String method) {
        assertRefused(() -> ingress.accept(request(method, "/v1/track", new byte[0], KEYED)), 405, "method_not_allowed");
    }

    @ParameterizedTest(name = "{0} -> 404")
    @ValueSource(strings = {"/v1track", "/v1//track", "/v1/track/", "/v1/x/track", "/v2/track", "/v1/batch/", "/v1/../v1/track"})
    void pathsMatchExactly(String uri) {
        assertRefused(() -> ingress.accept(post(uri, "{\"userId\":\"u1\",\"event\":\"E\"}", KEYED)), 404, "unknown_path");
    }

    // ---------------------------------------------------------------- logs

    @Test
    void aRefusedKeyIsLoggedEscaped() {
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub")) {
            assertRefused(() -> ingress.accept(post("/v1/track", "{\"userId\":\"u1\",\"event\":\"E\"}",
                    Map.of("Authorization", basic("a\r\nFORGED LINE")))), 401, "unauthorized");
            assertThat(logs.messages()).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContain("\r").doesNotContain("\n"));
        }
    }
}
