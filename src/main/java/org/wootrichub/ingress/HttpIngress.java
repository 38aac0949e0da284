package org.wootrichub.ingress;

import org.wootrichub.event.SegmentJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.observe.LogValues;

/**
 * Segment's Tracking API: turns one HTTP request into the events to queue, or refuses it with a precise error. A
 * processor (the body becomes the {@link IntakeResult}) rather than a bean step: Camel's bean binding on every request
 * cost about a fifth of the request thread's time (docs/benchmarks.md, session 9).
 */
public class HttpIngress implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);
    /** An endpoint's name after /v1/; compiled once (String.matches compiled it for every request). */
    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-z]+");

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

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(accept(exchange));
    }

    /** Reads the request of the exchange, as the {@link IntakeResult}. */
    public IntakeResult accept(Exchange exchange) {
        IngressRequest in = IngressRequest.of(exchange.getMessage());
        String path = endpointName(in.uri());
        String pathType = path == null ? null : SINGLE_PATHS.get(path);
        boolean webhook = "webhook".equals(path);
        boolean batch = "batch".equals(path) || "b".equals(path) || "import".equals(path);
        if (pathType == null && !webhook && !batch) {
            throw new IngressRejection(404, "unknown_path", "no Segment endpoint at this path");
        }
        if (!"POST".equals(in.method())) {
            throw new IngressRejection(405, "method_not_allowed", "the Tracking API takes POST only");
        }

        // a webhook signed over its whole body is authenticated by the signature; everything else by a write key
        boolean signed = webhook && webhookSignature.configured();
        String headerKey = WriteKeys.fromBasicAuth(in.header("Authorization"));
        if (!signed && headerKey != null) {
            requireKey(headerKey);
        }
        // the body decides what it is: JSON (after gzip) is read whatever the Content-Type says
        boolean formLabelled = formLabelled(in.header("Content-Type"));
        byte[] body = asJson(formLabelled,
                () -> BodyDecoder.decode(in.body(), in.header("Content-Encoding"), limits.maxRequestBytes()));
        if (signed) {
            checkSignature(body, in.header("X-Signature"), headerKey);
        }
        JsonNode root = asJson(formLabelled, () -> StrictJson.parse(body));
        if (!signed && headerKey == null) {
            requireKey(bodyWriteKey(root));
        }

        EventIntake.Shape shape = webhook ? EventIntake.Shape.ANY : batch ? EventIntake.Shape.BATCH : EventIntake.Shape.SINGLE;
        IntakeResult result = intake.read(root, shape, pathType, clock.instant(), clientIp(in));
        if (result.singleEvent() && !result.rejected().isEmpty()) {
            String reason = result.rejected().get(0).reason();
            throw new IngressRejection(400, reason, "the event was not accepted: " + reason);
        }
        return result;
    }

    static boolean formLabelled(String contentType) {
        String mediaType = contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT);
        return mediaType.startsWith("application/x-www-form-urlencoded") || mediaType.startsWith("multipart/");
    }

    /** A body labelled form or multipart that is not JSON is refused as the media type it claims to be: 415. */
    private static <T> T asJson(boolean formLabelled, Supplier<T> reading) {
        try {
            return reading.get();
        } catch (IngressRejection e) {
            if (formLabelled && e.status() == 400) {
                throw new IngressRejection(415, "unsupported_media_type",
                        "the body is not JSON: send the events as JSON (Content-Type application/json or text/plain)");
            }
            throw e;
        }
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
            LOG.debug("request refused: write key {} is not accepted", LogValues.safe(WriteKeys.masked(key)));
            throw new IngressRejection(401, "unauthorized", "missing or unknown write key");
        }
    }

    private static String bodyWriteKey(JsonNode root) {
        if (root.isArray()) {
            return root.isEmpty() ? null : SegmentJson.text(root.get(0), "writeKey");
        }
        return SegmentJson.text(root, "writeKey");
    }

    private String clientIp(IngressRequest in) {
        if (trustProxy) {
            String forwarded = in.header("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].trim();
            }
        }
        return in.remoteHost();
    }

    /**
     * The endpoint of a request URI: "track" for /v1/track, "import" for /v1/import and /v1/import/ (analytics-java);
     * null for any other path (/v1track, /v1//track, /v1/track/x), so that only the documented paths reach the ingress.
     */
    static String endpointName(String httpUri) {
        String path = httpUri == null ? "" : httpUri;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.equals("/v1/import/")) {
            return "import";
        }
        if (!path.startsWith("/v1/")) {
            return null;
        }
        String name = path.substring(4);
        return ENDPOINT_NAME.matcher(name).matches() ? name : null;
    }
}
