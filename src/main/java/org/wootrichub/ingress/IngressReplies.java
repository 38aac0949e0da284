package org.wootrichub.ingress;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.LogValues;
import org.wootrichub.observe.SecretMasker;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.event.SegmentJson;

/**
 * The ingress's HTTP replies: JSON bodies always, since Segment clients resend on a non-JSON answer. As a processor,
 * the reply to a request whose events are stored (every request goes through it: no bean binding per request); the
 * refusals are bean methods.
 */
public class IngressReplies implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(IngressReplies.class);

    private final HubMetrics metrics;
    private final SecretMasker masker;
    private final int retryAfterSeconds;

    public IngressReplies(HubMetrics metrics, SecretMasker masker, int retryAfterSeconds) {
        this.metrics = metrics;
        this.masker = masker;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The reply to a request whose events are all stored (or refused one by one, each with its reason). */
    @Override
    public void process(Exchange exchange) {
        IntakeResult result = exchange.getMessage().getBody(IntakeResult.class);
        reply(exchange.getMessage(), 200, acceptedJson(result));
    }

    public void refused(Exchange exchange) {
        IngressRejection rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, IngressRejection.class);
        metrics.ingress("refused_" + rejection.status(), 1);
        LOG.debug("ingress request refused: {} {}", rejection.status(), rejection.code());
        reply(exchange.getMessage(), rejection.status(), error(rejection.code(), masker.mask(rejection.getMessage())));
        if (rejection.status() == 405) {
            exchange.getMessage().setHeader("Allow", "POST");
        }
    }

    public void brokerUnavailable(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        metrics.ingress("refused_503", 1);
        LOG.warn("ingress answered 503: {}", cause == null ? "?" : LogValues.safe(masker.mask(cause.getMessage())));
        Message message = exchange.getMessage();
        reply(message, 503, error("broker_unavailable", "the events could not be stored; retry later"));
        message.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }

    /** The reply body Segment clients understand: any 2xx with a JSON body is success. */
    static String acceptedJson(IntakeResult result) {
        ObjectNode reply = SegmentJson.MAPPER.createObjectNode().put("success", true);
        if (!result.rejected().isEmpty()) {
            reply.put("accepted", result.accepted().size());
            ArrayNode list = reply.putArray("rejected");
            result.rejected().forEach(r -> list.addObject().put("index", r.index()).put("reason", r.reason()));
        }
        return SegmentJson.write(reply);
    }

    private static void reply(Message message, int status, String json) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json);
    }

    static String error(String code, String message) {
        return SegmentJson.write(SegmentJson.MAPPER.createObjectNode().put("code", code).put("message", message));
    }
}
