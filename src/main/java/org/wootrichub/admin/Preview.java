package org.wootrichub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.ObjectHelper;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.broker.QueuedEvent;
import org.wootrichub.broker.RejectedEvent;
import org.wootrichub.delivery.EndUserCache;
import org.wootrichub.delivery.PlanExecutor;
import org.wootrichub.delivery.UserNotYetKnown;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.ingress.QueueIngress;
import org.wootrichub.mapping.IntegrationsFilter;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.wootric.recording.CallLog;
import org.wootrichub.wootric.DeliveryFailure;
import org.wootrichub.wootric.recording.DryRunTransport;
import org.wootrichub.wootric.TokenSource;
import org.wootrichub.wootric.TransientFailure;
import org.wootrichub.wootric.recording.WootricCall;
import org.wootrichub.wootric.WootricClient;
import org.wootrichub.wootric.WootricCredentials;
import org.wootrichub.wootric.WootricEndpoints;
import org.wootrichub.wootric.WootricTransport;

/**
 * What Segment events would cause, without sending anything or changing the hub's state: the events go through the
 * queue ingress's validation and normalisation, the dispatch route's transformers (route plan-event) and a
 * {@link PlanExecutor} on a {@link DryRunTransport}, a scratch copy of the end-user cache and meters of their own.
 * Lookups of users the cache does not know are answered "not found", or, with live lookups, asked of Wootric (GETs
 * only, and the token request they need).
 */
public class Preview {

    static final String PLAN_ROUTE = "direct:plan-event";

    private final ProducerTemplate producer;
    private final QueueIngress ingress;
    private final EndUserCache cache;
    private final WootricEndpoints endpoints;
    private final WootricCredentials credentials;
    private final WootricTransport live;
    private final Clock clock;

    /** @param live the transport of live lookups (it sends for real: only GETs and token requests are given to it) */
    public Preview(ProducerTemplate producer, QueueIngress ingress, EndUserCache cache, WootricEndpoints endpoints,
            WootricCredentials credentials, WootricTransport live, Clock clock) {
        this.producer = producer;
        this.ingress = ingress;
        this.cache = cache;
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.live = live;
        this.clock = clock;
    }

    /** The requests each event of {@code body} (one event, a batch or an array) would cause, in order. */
    public ObjectNode run(String body, boolean liveLookups) {
        DryRunTransport transport = new DryRunTransport(liveLookups ? live : null, clock);
        HubMetrics meters = HubMetrics.inMemory();
        TokenSource tokens = new TokenSource(transport, endpoints, liveLookups ? credentials : DryRunTransport.CREDENTIALS, clock);
        PlanExecutor executor = new PlanExecutor(new WootricClient(transport, tokens, endpoints, meters), cache.scratchCopy(), meters);

        IntakeResult intake = ingress.accept(body);
        Map<Integer, RejectedEvent> rejected = intake.rejected().stream()
                .collect(Collectors.toMap(RejectedEvent::index, Function.identity(), (a, b) -> a));
        Iterator<QueuedEvent> accepted = intake.accepted().iterator();
        ObjectNode answer = SegmentJson.MAPPER.createObjectNode().put("lookups", liveLookups ? "live" : "cache");
        ArrayNode events = answer.putArray("events");
        int count = intake.accepted().size() + intake.rejected().size();
        for (int index = 0; index < count; index++) {
            RejectedEvent refused = rejected.get(index);
            ObjectNode item = refused != null ? rejected(refused) : preview(accepted.next(), executor);
            events.add(item.put("index", index));
        }
        return answer;
    }

    private static ObjectNode rejected(RejectedEvent refused) {
        ObjectNode item = SegmentJson.MAPPER.createObjectNode().put("outcome", "rejected").put("reason", refused.reason());
        item.putArray("requests");
        return item;
    }

    private ObjectNode preview(QueuedEvent queued, PlanExecutor executor) {
        JsonNode event = SegmentJson.parse(queued.json());
        ObjectNode item = SegmentJson.MAPPER.createObjectNode()
                .put("messageId", queued.messageId()).put("userKey", queued.userKey()).put("type", queued.type());
        List<WootricCall> calls = new ArrayList<>();
        try (CallLog.Open log = CallLog.into(calls)) {
            if (IntegrationsFilter.excludes(event)) {
                outcome(item, "skipped", "integrations_disabled");
            } else {
                PlanExecutor.Result result = executor.execute(plan(queued, event));
                outcome(item, result.outcome(), result.reason());
            }
        } catch (UserNotYetKnown unknown) {
            outcome(item, "waits_for_user", unknown.reason());
        } catch (TransientFailure failure) {
            outcome(item, "parked", failure.reason());
        } catch (DeliveryFailure failure) {
            outcome(item, "dead_lettered", failure.reason());
        } catch (RuntimeException e) {
            outcome(item, "dead_lettered", "delivery_error").put("error", e.getMessage());
        }
        ArrayNode requests = item.putArray("requests");
        calls.forEach(call -> requests.add(call.toJson()));
        return item;
    }

    private static ObjectNode outcome(ObjectNode item, String outcome, String reason) {
        return item.put("outcome", outcome).put("reason", reason);
    }

    /** The plan from the dispatch route's own transformers; their failures as the route would see them. */
    private WootricPlan plan(QueuedEvent queued, JsonNode event) {
        Exchange planned = producer.send(PLAN_ROUTE, exchange -> {
            exchange.getMessage().setBody(queued.json());
            exchange.getMessage().setHeader(HubHeaders.SEGMENT_TYPE, queued.type());
            exchange.setProperty(HubHeaders.SEGMENT_EVENT, event);
        });
        Exception failure = planned.getException();
        if (failure != null) {
            DeliveryFailure delivery = ObjectHelper.getException(DeliveryFailure.class, failure);
            throw delivery != null ? delivery : new IllegalStateException(failure.getMessage(), failure);
        }
        return planned.getProperty(HubHeaders.WOOTRIC_PLAN, WootricPlan.class);
    }
}
