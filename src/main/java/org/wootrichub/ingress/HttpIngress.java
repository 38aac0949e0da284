package org.wootrichub.ingress;

import org.wootrichub.event.SegmentJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.IntakeResult;

/** Segment's Tracking API: turns one HTTP request into the events to queue, or refuses it with a precise error. */
public class HttpIngress {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);

    private static final Map<String, String> SINGLE_PATHS = Map.ofEntries(
            Map.entry("identify", "identify"), Map.entry("i", "identify"),
            Map.entry("track", "track"), Map.entry("t", "track"),
            Map.entry("page", "page"), Map.entry("p", "page"),
            Map.entry("screen", "screen"), Map.entry("s", "screen"),
            Map.entry("group", "group"), Map.entry("g", "group"),
            Map.entry("alias", "alias"), Map.entry("a", "alias"));

    private final WriteKeys writeKeys;
    private final WebhookSignature webhookSignature;
    private final IngressLimits limits;
    private final EventIntake intake;
    private final boolean trustProxy;
    private final Clock clock;

    public HttpIngress(WriteKeys writeKeys, WebhookSignature webhookSignature, IngressLimits limits,
            boolean trustProxy, Clock clock) {
        this.writeKeys = writeKeys;
        this.webhookSignature = webhookSignature;
        this.limits = limits;
        this.intake = new EventIntake(limits);
        this.trustProxy = trustProxy;
        this.clock = clock;
    }

    /** Reads the request of the exchange; the body becomes the {@link IntakeResult}. */
    public IntakeResult accept(Exchange exchange) {
        var in = exchange.getMessage();
        String path = endpointName(in.getHeader(Exchange.HTTP_PATH, String.class), in.getHeader(Exchange.HTTP_URI, String.class));
        String pathType = SINGLE_PATHS.get(path);
        boolean webhook = path.equals("webhook");
        boolean batch = path.equals("batch") || path.equals("b") || path.equals("import");
        if (pathType == null && !webhook && !batch) {
            throw new IngressRejection(404, "unknown_path", "no Segment endpoint at /v1/" + path);
        }

        // a webhook signed over its whole body is authenticated by the signature; everything else by a write key
        boolean signed = webhook && webhookSignature.configured();
        String headerKey = WriteKeys.fromBasicAuth(in.getHeader("Authorization", String.class));
        if (!signed && headerKey != null) {
            requireKey(headerKey);
        }
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            // the HTTP server consumes form bodies before the route sees them: say so instead of "empty body"
            throw new IngressRejection(415, "unsupported_media_type",
                    "send the events as JSON with Content-Type application/json or text/plain");
        }
        byte[] body = BodyDecoder.decode(in.getBody(byte[].class), in.getHeader("Content-Encoding", String.class),
                limits.maxRequestBytes());
        if (signed) {
            checkSignature(body, in.getHeader("X-Signature", String.class), headerKey);
        }
        JsonNode root = parse(body);
        if (!signed && headerKey == null) {
            requireKey(bodyWriteKey(root));
        }

        EventIntake.Shape shape = webhook ? EventIntake.Shape.ANY : batch ? EventIntake.Shape.BATCH : EventIntake.Shape.SINGLE;
        IntakeResult result = intake.read(root, shape, pathType, clock.instant(), clientIp(exchange));
        if (result.singleEvent() && !result.rejected().isEmpty()) {
            String reason = result.rejected().get(0).reason();
            throw new IngressRejection(400, reason, "the event was not accepted: " + reason);
        }
        return result;
    }

    /**
     * A signature over the whole body authenticates the request. Segment signs only the first element of an array:
     * anyone holding one such request could append events to it, so that form needs a valid write key as well.
     */
    private void checkSignature(byte[] body, String signature, String headerKey) {
        switch (webhookSignature.match(body, signature)) {
            case WHOLE_BODY -> {
            }
            case FIRST_ELEMENT -> {
                if (headerKey == null) {
                    throw new IngressRejection(401, "unauthorized",
                            "X-Signature covers only the first event: send a write key in Authorization as well");
                }
                requireKey(headerKey);
            }
            default -> throw new IngressRejection(401, "invalid_signature", "X-Signature does not match the body");
        }
    }

    private void requireKey(String key) {
        if (!writeKeys.accepts(key)) {
            LOG.debug("request refused: write key {} is not accepted", WriteKeys.masked(key));
            throw new IngressRejection(401, "unauthorized", "missing or unknown write key");
        }
    }

    private static String bodyWriteKey(JsonNode root) {
        if (root.isArray()) {
            return root.isEmpty() ? null : SegmentJson.text(root.get(0), "writeKey");
        }
        return SegmentJson.text(root, "writeKey");
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new IngressRejection(400, "invalid_json", "the body is empty");
        }
        try {
            JsonNode root = SegmentJson.MAPPER.readTree(body);
            if (root == null || !(root.isObject() || root.isArray())) {
                throw new IngressRejection(400, "invalid_json", "the body must be a JSON object or array");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IngressRejection(400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IngressRejection(400, "invalid_json", "the body could not be read");
        }
    }

    private String clientIp(Exchange exchange) {
        if (trustProxy) {
            String forwarded = exchange.getMessage().getHeader("X-Forwarded-For", String.class);
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].trim();
            }
        }
        Object remote = exchange.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress");
        if (remote instanceof io.vertx.core.net.SocketAddress address) {
            return address.hostAddress() != null ? address.hostAddress() : address.host();
        }
        return null;
    }

    /** The last segment of the path after /v1/, without a trailing slash: "import" for /v1/import/. */
    static String endpointName(String httpPath, String httpUri) {
        String path = httpPath != null && !httpPath.isEmpty() ? httpPath : httpUri == null ? "" : httpUri;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.startsWith("/v1/")) {
            path = path.substring(4);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path;
    }
}
