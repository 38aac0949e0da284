package org.wootrichub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.it.HubDefaults;
import org.wootrichub.observe.HubMetrics;

/** The overview reads the hub's own meters, by the names and tags they are registered with. */
class OverviewTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HubMetrics metrics = new HubMetrics(() -> registry);
    private final Overview overview = new Overview(registry, HubDefaults.queues(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void countersAreSummedOverTheirTypesAndReasons() {
        metrics.ingress("accepted", 7);
        metrics.ingress("rejected", 2);
        metrics.ingress("refused_401", 1);
        metrics.delivered("identify", 3);
        metrics.delivered("track");
        metrics.deadLettered("track", "invalid_score");
        metrics.deadLettered("identify", "wootric_rejected", 2);
        metrics.skipped("page", "integrations_disabled");
        metrics.coalesced("identify");
        metrics.wootricCall("update_end_user", "200");
        metrics.wootricCall("update_end_user", "429");
        metrics.wootricCall("create_response", "429");

        JsonNode read = read();
        JsonNode throughput = read.get("throughput");
        assertThat(throughput.get("accepted").asLong()).isEqualTo(7);
        assertThat(throughput.get("rejected").asLong()).isEqualTo(2);
        assertThat(throughput.get("delivered").asLong()).isEqualTo(4);
        assertThat(throughput.get("deadLettered").asLong()).isEqualTo(3);
        assertThat(throughput.get("skipped").asLong()).isEqualTo(1);
        assertThat(throughput.get("parked").asLong()).isZero();
        assertThat(throughput.get("coalesced").asLong()).isEqualTo(1);
        assertThat(throughput.get("wootricCalls").asLong()).isEqualTo(3);
        assertThat(read.get("budget").get("tooManyRequests").asLong()).isEqualTo(2);
        assertThat(read.get("at").asText()).isEqualTo(NOW.toString());
    }

    @Test
    void gaugesAreReadByQueueAndLaneAndAFigureNoGaugeGivesIsNull() {
        gauge("hub.queue.messages", 12, "queue", "segment.events");
        gauge("hub.queue.messages", 3, "queue", "wootric.dlq");
        gauge("hub.queue.parked", 5, "queue", "segment.events");
        gauge("hub.queue.oldest.age.seconds", 1.5, "queue", "segment.events");
        gauge("hub.lane.depth", 4, "lane", "survey");
        gauge("hub.lane.depth", 6, "lane", "property");
        gauge("hub.budget.left", -1);
        // the broker did not answer
        gauge("hub.queue.messages", Double.NaN, "queue", "segment.rejected");

        JsonNode backlog = read().get("backlog");
        assertThat(backlog.get("queued").asLong()).isEqualTo(12);
        assertThat(backlog.get("deadLetters").asLong()).isEqualTo(3);
        assertThat(backlog.get("parked").asLong()).isEqualTo(5);
        assertThat(backlog.get("oldestAgeSeconds").asDouble()).isEqualTo(1.5);
        assertThat(backlog.get("surveyLane").asLong()).isEqualTo(4);
        assertThat(backlog.get("propertyLane").asLong()).isEqualTo(6);
        assertThat(backlog.get("rejected").isNull()).isTrue();
        assertThat(backlog.get("usersHeld").isNull()).isTrue();
        assertThat(read().get("budget").get("left").asLong()).isEqualTo(-1);
        assertThat(SegmentJson.write(read())).doesNotContain("NaN");
    }

    @Test
    void onlyAPauseThatHasNotEndedIsAPause() {
        AtomicReference<Double> until = new AtomicReference<>(0.0);
        Gauge.builder("hub.budget.paused_until", until, AtomicReference::get).register(registry);
        assertThat(read().get("budget").get("pausedUntil").isNull()).as("never paused").isTrue();

        until.set(NOW.minusSeconds(1).toEpochMilli() / 1000.0);
        assertThat(read().get("budget").get("pausedUntil").isNull()).as("ended").isTrue();

        until.set(NOW.plusSeconds(30).toEpochMilli() / 1000.0);
        assertThat(read().get("budget").get("pausedUntil").asText()).isEqualTo(NOW.plusSeconds(30).toString());
    }

    private void gauge(String name, double value, String... tags) {
        Gauge.builder(name, () -> value).tags(tags).register(registry);
    }

    private JsonNode read() {
        // through the JSON text, as the console gets it
        return SegmentJson.parse(SegmentJson.write(overview.read()));
    }
}
