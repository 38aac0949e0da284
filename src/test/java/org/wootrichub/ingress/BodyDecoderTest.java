package org.wootrichub.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** segment-ingress.md, "Content": gzip accepted, limits on the decompressed size, no gzip bombs. */
class BodyDecoderTest {

    private static final int REQUEST_LIMIT = IngressLimits.SEGMENT.maxRequestBytes();

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] zeros(int n) {
        return new byte[n];
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRejected(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(IngressRejection.class, r -> {
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.code()).isEqualTo(code);
        });
    }

    // ---------------------------------------------------------------- plain bodies

    @ParameterizedTest(name = "plain body of {0} bytes, limit 100, Content-Encoding \"{1}\" -> returned as is")
    @CsvSource(nullValues = "NULL", value = {"0, NULL", "1, ''", "99, identity", "100, NULL", "100, IDENTITY"})
    void plainBodyWithinLimit(int size, String encoding) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'a');
        assertThat(BodyDecoder.decode(body, encoding, 100)).isEqualTo(body);
    }

    @ParameterizedTest(name = "plain body of {0} bytes, limit {1} -> 413")
    @CsvSource({"101, 100", "512001, 512000", "1000000, 512000"})
    void plainBodyOverLimitIs413(int size, int limit) {
        byte[] body = new byte[size];
        assertRejected(() -> BodyDecoder.decode(body, null, limit), 413, "request_too_large");
    }

    @Test
    @DisplayName("a null body decodes to nothing")
    void nullBody() {
        assertThat(BodyDecoder.decode(null, null, 100)).isEmpty();
    }

    // ---------------------------------------------------------------- gzip

    @ParameterizedTest(name = "Content-Encoding \"{0}\" is gunzipped")
    @ValueSource(strings = {"gzip", "GZIP", " gzip ", "x-gzip"})
    void gzipBodyIsDecoded(String encoding) {
        byte[] json = ascii("{\"type\":\"identify\",\"userId\":\"u1\",\"traits\":{\"name\":\"Zoë\"}}");
        assertThat(BodyDecoder.decode(gzip(json), encoding, REQUEST_LIMIT)).isEqualTo(json);
    }

    static Stream<Arguments> gzipSizes() {
        return Stream.of(
                Arguments.of(100, 100, true),
                Arguments.of(101, 100, false),
                Arguments.of(REQUEST_LIMIT, REQUEST_LIMIT, true),
                Arguments.of(REQUEST_LIMIT + 1, REQUEST_LIMIT, false),
                Arguments.of(8192 * 3, 8192 * 3, true),
                Arguments.of(8192 * 3 + 1, 8192 * 3, false));
    }

    @ParameterizedTest(name = "gzip decompressing to {0} bytes with limit {1}: accepted={2}")
    @MethodSource("gzipSizes")
    void limitAppliesToDecompressedSize(int size, int limit, boolean accepted) {
        byte[] compressed = gzip(zeros(size));
        assertThat(compressed.length).as("compressed body is well under the limit").isLessThan(limit);
        if (accepted) {
            assertThat(BodyDecoder.decode(compressed, "gzip", limit)).hasSize(size);
        } else {
            assertRejected(() -> BodyDecoder.decode(compressed, "gzip", limit), 413, "request_too_large");
        }
    }

    @Test
    @DisplayName("gzip bomb: 50 MB of zeros is stopped with 413 quickly")
    void gzipBombStopped() {
        byte[] bomb = gzip(zeros(50 * 1024 * 1024));
        assertThat(bomb.length).isLessThan(REQUEST_LIMIT);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                assertRejected(() -> BodyDecoder.decode(bomb, "gzip", REQUEST_LIMIT), 413, "request_too_large"));
    }

    @Test
    @DisplayName("gzip bomb of ~10 GB (concatenated members) is stopped with 413 without inflating it all")
    void hugeGzipBombStopped() {
        byte[] member = gzip(zeros(10 * 1024 * 1024));
        int copies = 1000;
        byte[] bomb = new byte[member.length * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(member, 0, bomb, i * member.length, member.length);
        }
        // inflating 10 GB would take far longer than this, and would not fit in the test JVM's memory
        assertTimeoutPreemptively(Duration.ofSeconds(3), () ->
                assertRejected(() -> BodyDecoder.decode(bomb, "gzip", REQUEST_LIMIT), 413, "request_too_large"));
    }

    static Stream<Arguments> badGzip() {
        byte[] good = gzip(ascii("{\"type\":\"identify\",\"userId\":\"u1\"}".repeat(20)));
        byte[] corruptedBody = good.clone();
        for (int i = 12; i < corruptedBody.length - 8; i++) {
            corruptedBody[i] = (byte) 0xFF;
        }
        return Stream.of(
                Arguments.of("plain JSON labelled gzip", ascii("{\"type\":\"identify\",\"userId\":\"u1\"}")),
                Arguments.of("truncated gzip", Arrays.copyOf(good, good.length / 2)),
                Arguments.of("gzip header only", Arrays.copyOf(good, 10)),
                Arguments.of("corrupted deflate data", corruptedBody),
                Arguments.of("empty body labelled gzip", new byte[0]));
    }

    @ParameterizedTest(name = "{0} -> 400")
    @MethodSource("badGzip")
    void badGzipIs400(String description, byte[] body) {
        assertRejected(() -> BodyDecoder.decode(body, "gzip", REQUEST_LIMIT), 400, "bad_gzip");
    }

    @ParameterizedTest(name = "Content-Encoding \"{0}\" -> 415")
    @ValueSource(strings = {"br", "deflate", "compress", "zstd", "gzip, br"})
    void unsupportedEncodingIs415(String encoding) {
        byte[] body = gzip(ascii("{}"));
        assertRejected(() -> BodyDecoder.decode(body, encoding, REQUEST_LIMIT), 415, "unsupported_encoding");
    }

    @ParameterizedTest(name = "no Content-Encoding header: body not gunzipped")
    @NullSource
    void noEncodingMeansNoDecompression(String encoding) {
        byte[] body = gzip(ascii("{}"));
        assertThat(BodyDecoder.decode(body, encoding, REQUEST_LIMIT)).isEqualTo(body);
    }
}
