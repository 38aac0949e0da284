package org.wootrichub.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.wootrichub.broker.QueueNames;
import org.wootrichub.event.SegmentJson;

/**
 * The console's overview: throughput, backlog, budget and pauses, read from the meters that /observe/metrics shows, so
 * the console and Prometheus never disagree. Counters are totals since the hub started (the console turns them into
 * rates); a figure no meter gives (yet) is null.
 */
public class Overview {

    private final MeterRegistry registry;
    private final QueueNames queues;
    private final Clock clock;

    public Overview(MeterRegistry registry, QueueNames queues, Clock clock) {
        this.registry = registry;
        this.queues = queues;
        this.clock = clock;
    }

    public ObjectNode read() {
        Instant now = clock.instant();
        ObjectNode overview = SegmentJson.MAPPER.createObjectNode().put("at", now.toString());

        ObjectNode throughput = overview.putObject("throughput");
        throughput.put("accepted", total("hub.ingress.events", "outcome", "accepted"));
        throughput.put("rejected", total("hub.ingress.events", "outcome", "rejected"));
        throughput.put("delivered", total("hub.events", "outcome", "delivered"));
        throughput.put("skipped", total("hub.events", "outcome", "skipped"));
        throughput.put("parked", total("hub.events", "outcome", "parked"));
        throughput.put("deadLettered", total("hub.events", "outcome", "dead_lettered"));
        throughput.put("coalesced", total("hub.coalesce.events"));
        throughput.put("wootricCalls", total("hub.wootric.calls"));

        ObjectNode backlog = overview.putObject("backlog");
        figure(backlog, "queued", gauge("hub.queue.messages", "queue", queues.events()));
        figure(backlog, "parked", gauge("hub.queue.parked", "queue", queues.events()));
        figure(backlog, "oldestAgeSeconds", gauge("hub.queue.oldest.age.seconds", "queue", queues.events()));
        figure(backlog, "deadLetters", gauge("hub.queue.messages", "queue", queues.deadLetters()));
        figure(backlog, "rejected", gauge("hub.queue.messages", "queue", queues.rejected()));
        figure(backlog, "usersHeld", gauge("hub.users.held"));
        figure(backlog, "pendingUsers", gauge("hub.coalesce.pending_users"));
        figure(backlog, "surveyLane", gauge("hub.lane.depth", "lane", "survey"));
        figure(backlog, "propertyLane", gauge("hub.lane.depth", "lane", "property"));

        ObjectNode budget = overview.putObject("budget");
        figure(budget, "used", gauge("hub.budget.used"));
        figure(budget, "left", gauge("hub.budget.left"));
        double pausedUntil = gauge("hub.budget.paused_until");
        // the gauge keeps the last pause's end: only one still ahead is a pause
        boolean paused = !Double.isNaN(pausedUntil) && pausedUntil * 1000 > now.toEpochMilli();
        budget.put("pausedUntil", paused ? Instant.ofEpochMilli((long) (pausedUntil * 1000)).toString() : null);
        budget.put("tooManyRequests", total("hub.wootric.calls", "status", "429"));
        return overview;
    }

    /** The sum of every series of a counter whose tags include these (0 before the first count). */
    private long total(String name, String... tags) {
        return Math.round(registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum());
    }

    /** NaN when no such gauge is registered, or it cannot say (the broker did not answer). */
    private double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    /** JSON has no NaN; whole numbers (nearly all figures) without a fraction. */
    private static void figure(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else if (value == Math.rint(value)) {
            node.put(field, (long) value);
        } else {
            node.put(field, value);
        }
    }
}
