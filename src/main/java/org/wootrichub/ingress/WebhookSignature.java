package org.wootrichub.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Segment's Webhooks destination signs the body with HMAC-SHA1 of a shared secret (header X-Signature, lowercase
 * hex). For an array it signs only the first element: such a signature says nothing about the other elements, so
 * it is told apart ({@link Match#FIRST_ELEMENT}) and the caller must not let it authenticate the request alone.
 */
public final class WebhookSignature {

    /** What a signature covers. */
    public enum Match {
        /** the whole raw body: the request is authentic */
        WHOLE_BODY,
        /** only the first element of an array body: anything after it may have been appended by anyone */
        FIRST_ELEMENT,
        /** nothing */
        NONE
    }

    private final byte[] secret;

    public WebhookSignature(String secret) {
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
    }

    public boolean configured() {
        return secret.length > 0;
    }

    public Match match(byte[] body, String signature) {
        if (signature == null || signature.isBlank()) {
            return Match.NONE;
        }
        byte[] given = signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII);
        if (MessageDigest.isEqual(given, hex(body))) {
            return Match.WHOLE_BODY;
        }
        byte[] first = firstArrayElement(body);
        return first != null && MessageDigest.isEqual(given, hex(first)) ? Match.FIRST_ELEMENT : Match.NONE;
    }

    public byte[] hex(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(data)).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw bytes of the first element when the body is a JSON array of objects, else null. */
    static byte[] firstArrayElement(byte[] body) {
        try (JsonParser parser = new JsonFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int start = (int) parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            int end = (int) parser.currentLocation().getByteOffset();
            return start < 0 || end <= start ? null : Arrays.copyOfRange(body, start, end);
        } catch (IOException e) {
            return null;
        }
    }
}
