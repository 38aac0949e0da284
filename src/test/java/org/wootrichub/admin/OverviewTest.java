package org.wootrichub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.wootrichub.delivery.PendingChanges;
import org.wootrichub.delivery.UserHolds;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.it.HubDefaults;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.wootric.budget.RateLimiter;

/**
 * The overview reads the hub's own meters, by the names and tags they are registered with: the budget's, the holds' and
 * the pending changes' from their own binders; the backlog's (read from the broker) registered here by their names.
 */
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
    void theBudgetLanesHoldsAndPendingChangesAreReadFromTheirOwnMeters() throws Exception {
        AtomicLong now = new AtomicLong(NOW.toEpochMilli());
        RateLimiter limiter = new RateLimiter(100, 60_000, 0, now::get);
        UserHolds holds = new UserHolds(Duration.ofSeconds(1), Duration.ofMinutes(5), now::get);
        // bound as the hub binds them
        metrics.bind(limiter);
        metrics.bind(holds);
        metrics.bind(new PendingChanges(Duration.ofSeconds(2), Duration.ofMinutes(5), now::get));
        metrics.start();
        assertThat(read().get("budget").get("pausedUntil").isNull()).as("never paused").isTrue();

        limiter.acquire();
        limiter.release();
        limiter.acquire();
        limiter.release();
        holds.failed("held-user", null);
        limiter.observe(429, Map.of("Retry-After", "30"));

        JsonNode read = read();
        assertThat(read.get("budget").get("used").asLong()).isEqualTo(2);
        assertThat(read.get("budget").get("left").asLong()).isEqualTo(98);
        assertThat(read.get("budget").get("pausedUntil").asText()).isEqualTo(NOW.plusSeconds(30).toString());
        JsonNode backlog = read.get("backlog");
        assertThat(backlog.get("usersHeld").asLong()).isEqualTo(1);
        assertThat(backlog.get("surveyLane").isNumber()).isTrue();
        assertThat(backlog.get("propertyLane").isNumber()).isTrue();
        assertThat(backlog.get("pendingUsers").isNumber()).isTrue();
    }

    @Test
    void aPauseThatHasEndedIsNoPause() {
        AtomicLong now = new AtomicLong(NOW.minusSeconds(60).toEpochMilli());
        RateLimiter limiter = new RateLimiter(0, 60_000, 0, now::get);
        metrics.bind(limiter);
        metrics.start();
        limiter.observe(429, Map.of("Retry-After", "30"));

        assertThat(limiter.pausedUntil()).isEqualTo(NOW.minusSeconds(30).toEpochMilli());
        assertThat(read().get("budget").get("pausedUntil").isNull()).isTrue();
        assertThat(read().get("budget").get("left").asLong()).as("no limit of the hub's own").isEqualTo(-1);
    }

    @Test
    void theBacklogIsReadByQueueAndAFigureNoGaugeGivesIsNull() {
        gauge("hub.queue.messages", 12, "queue", "segment.events");
        gauge("hub.queue.messages", 3, "queue", "wootric.dlq");
        gauge("hub.queue.parked", 5, "queue", "segment.events");
        gauge("hub.queue.oldest.age.seconds", 1.5, "queue", "segment.events");
        // the broker did not answer
        gauge("hub.queue.messages", Double.NaN, "queue", "segment.rejected");

        JsonNode backlog = read().get("backlog");
        assertThat(backlog.get("queued").asLong()).isEqualTo(12);
        assertThat(backlog.get("deadLetters").asLong()).isEqualTo(3);
        assertThat(backlog.get("parked").asLong()).isEqualTo(5);
        assertThat(backlog.get("oldestAgeSeconds").asDouble()).isEqualTo(1.5);
        assertThat(backlog.get("rejected").isNull()).isTrue();
        assertThat(backlog.get("usersHeld").isNull()).as("no such gauge").isTrue();
        assertThat(SegmentJson.write(read())).doesNotContain("NaN");
    }

    private void gauge(String name, double value, String... tags) {
        Gauge.builder(name, () -> value).tags(tags).register(registry);
    }

    private JsonNode read() {
        // through the JSON text, as the console gets it
        return SegmentJson.parse(SegmentJson.write(overview.read()));
    }
}
