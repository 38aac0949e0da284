package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * segment-ingress.md, "/v1/webhook": X-Signature = lowercase hex HMAC-SHA1 of the raw body, or of an array's first
 * element (told apart: it does not cover the rest of the body).
 */
class WebhookSignatureTest {

    private static final String SECRET = "shared-webhook-secret";

    private final WebhookSignature signature = new WebhookSignature(SECRET);

    /** Independent reference HMAC-SHA1, lowercase hex. */
    static String hmacSha1Hex(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private WebhookSignature.Match match(String body, String sig) {
        return signature.match(body.getBytes(StandardCharsets.UTF_8), sig);
    }

    static Stream<Arguments> signedBodies() {
        String first = "{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"name\":\"Zoë Ångström\"}}";
        String second = "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}";
        String spacedFirst = "{ \"type\" : \"identify\",\n  \"userId\" : \"u1\" }";
        return Stream.of(
                // description, raw body, the text that was signed, what the signature covers
                Arguments.of("one event, whole body", first, first, WHOLE),
                Arguments.of("array, whole body", "[" + first + "," + second + "]", "[" + first + "," + second + "]", WHOLE),
                Arguments.of("array, first element only", "[" + first + "," + second + "]", first, FIRST),
                Arguments.of("array of one, first element only", "[" + first + "]", first, FIRST),
                Arguments.of("array with whitespace, first element's raw text",
                        "[\n  " + spacedFirst + " ,\n  " + second + "\n]", spacedFirst, FIRST),
                Arguments.of("array with non-ASCII before the first element's end",
                        "[" + first + ",{\"type\":\"track\",\"userId\":\"ü\",\"event\":\"É\"}]", first, FIRST));
    }

    private static final WebhookSignature.Match WHOLE = WebhookSignature.Match.WHOLE_BODY;
    private static final WebhookSignature.Match FIRST = WebhookSignature.Match.FIRST_ELEMENT;

    @ParameterizedTest(name = "{3}: {0}")
    @MethodSource("signedBodies")
    void correctSignatureIsRecognised(String description, String body, String signedText, WebhookSignature.Match covers) {
        assertThat(signature.configured()).isTrue();
        assertThat(match(body, hmacSha1Hex(SECRET, signedText))).isEqualTo(covers);
    }

    static Stream<Arguments> wrongSignatures() {
        String first = "{\"type\":\"identify\",\"userId\":\"u1\"}";
        String second = "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\"}";
        String array = "[" + first + "," + second + "]";
        return Stream.of(
                Arguments.of("signed with another secret", first, hmacSha1Hex("other-secret", first)),
                Arguments.of("body changed after signing", first.replace("u1", "u2"), hmacSha1Hex(SECRET, first)),
                Arguments.of("array signed over its second element", array, hmacSha1Hex(SECRET, second)),
                Arguments.of("array signed over a re-serialised first element", "[ {\"type\": \"identify\", \"userId\": \"u1\"} ]",
                        hmacSha1Hex(SECRET, first)),
                Arguments.of("object signed over a nested object", "{\"context\":" + first + "}", hmacSha1Hex(SECRET, first)),
                Arguments.of("SHA-256 signature", first, sha256Hex(SECRET, first)),
                Arguments.of("truncated signature", first, hmacSha1Hex(SECRET, first).substring(0, 39)),
                Arguments.of("garbage", first, "not-a-signature"),
                Arguments.of("signature with a sha1= prefix", first, "sha1=" + hmacSha1Hex(SECRET, first)));
    }

    private static String sha256Hex(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "rejected: {0}")
    @MethodSource("wrongSignatures")
    void wrongSignatureIsRejected(String description, String body, String sig) {
        assertThat(match(body, sig)).isEqualTo(WebhookSignature.Match.NONE);
    }

    @ParameterizedTest(name = "missing signature \"{0}\" is rejected")
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void missingSignatureIsRejected(String sig) {
        assertThat(match("{\"type\":\"identify\",\"userId\":\"u1\"}", sig)).isEqualTo(WebhookSignature.Match.NONE);
    }

    @Test
    @DisplayName("hex() is the lowercase hex HMAC-SHA1 of the data")
    void hexIsLowercaseHmacSha1() {
        String body = "{\"type\":\"identify\",\"userId\":\"u1\"}";
        String hex = new String(signature.hex(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
        assertThat(hex).isEqualTo(hmacSha1Hex(SECRET, body)).matches("[0-9a-f]{40}");
    }

    @Test
    @DisplayName("known HMAC-SHA1 vector (RFC 2202 test case 2)")
    void knownVector() {
        WebhookSignature jefe = new WebhookSignature("Jefe");
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
        assertThat(jefe.match(data, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")).isEqualTo(WebhookSignature.Match.WHOLE_BODY);
    }

    @ParameterizedTest(name = "secret \"{0}\" is not configured")
    @NullAndEmptySource
    void noSecretIsNotConfigured(String secret) {
        assertThat(new WebhookSignature(secret).configured()).isFalse();
    }
}
