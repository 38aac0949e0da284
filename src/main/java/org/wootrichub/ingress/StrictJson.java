package org.wootrichub.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/**
 * Request bodies read strictly: well-formed UTF-8 (no overlong forms, no encoded or escaped lone surrogates), exactly
 * one JSON object or array and nothing after it, and only numbers the hub can store as they were written (1e400 would
 * become "Infinity"). Anything else is refused as 400 invalid_json.
 */
public final class StrictJson {

    private static final ObjectReader READER = SegmentJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {
    }

    public static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw invalid("the body is empty");
        }
        if (plainAscii(body)) {
            // nothing to check in the encoding, and Jackson reads bytes faster than text: most bodies take this way
            return checked(() -> READER.readTree(body));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("the body is not well-formed UTF-8");
        }
        return parse(text);
    }

    public static JsonNode parse(String text) {
        // a UTF-8 byte order mark is tolerated, as Jackson tolerates it in bytes
        String json = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return checked(() -> READER.readTree(json));
    }

    /**
     * Bytes 1 to 127 only: valid UTF-8 as they are. A NUL byte takes the slow way, where it is refused as JSON; here it
     * could make Jackson take the body for UTF-16 or UTF-32.
     */
    private static boolean plainAscii(byte[] body) {
        for (byte b : body) {
            if (b <= 0) {
                return false;
            }
        }
        return true;
    }

    private interface Reading {
        JsonNode read() throws IOException;
    }

    private static JsonNode checked(Reading reading) {
        JsonNode root;
        try {
            root = reading.read();
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // declared by Jackson's byte reading; from a byte array only a JSON error (above) is possible
            throw invalid("the body is not valid JSON: " + e.getMessage());
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            throw invalid("the body must be a JSON object or array");
        }
        check(root);
        return root;
    }

    private static void check(JsonNode node) {
        if (node.isTextual()) {
            checkText(node.textValue());
        } else if (node.isNumber()) {
            if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                throw invalid("a number is out of range (it would not be stored as written)");
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                checkText(field.getKey());
                check(field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(StrictJson::check);
        }
    }

    /** A lone surrogate (an escaped \ud800 without its pair) is not Unicode text and cannot be written as UTF-8. */
    private static void checkText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid("the body holds a lone UTF-16 surrogate");
            }
        }
    }

    private static IngressRejection invalid(String message) {
        return new IngressRejection(400, "invalid_json", message);
    }
}
