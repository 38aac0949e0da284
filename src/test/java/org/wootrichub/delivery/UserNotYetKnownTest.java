package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.SecretMasker;

/** What DeliveryFailures.waitForUser decides for an event whose user Wootric does not know yet. */
class UserNotYetKnownTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(10);

    private final HubMetrics metrics = HubMetrics.inMemory();
    private final DeliveryFailures failures = new DeliveryFailures("segment.events", "wootric.dlq", Duration.ofHours(4),
            new UserHolds(Duration.ofSeconds(1), Duration.ofMinutes(5), NOW::toEpochMilli), new SecretMasker(List.of()), metrics,
            "test", Clock.fixed(NOW, ZoneOffset.UTC), GRACE);

    private Exchange waiting(boolean surveyData, Instant since, Integer parkedBefore) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody("{\"type\":\"track\",\"userId\":\"u1\",\"messageId\":\"m1\"}");
        exchange.getMessage().setHeader(HubHeaders.SEGMENT_TYPE, "track");
        exchange.getMessage().setHeader(HubHeaders.USER_KEY, "u1");
        exchange.getMessage().setHeader(HubHeaders.DUPLICATE_ID, "m1");
        exchange.getMessage().setHeader(HubHeaders.HOLD_PLACE, 3);
        if (since != null) {
            exchange.getMessage().setHeader(HubHeaders.USER_UNKNOWN_SINCE, since.toString());
        }
        if (parkedBefore != null) {
            exchange.getMessage().setHeader(HubHeaders.PARKED_COUNT, parkedBefore);
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new UserNotYetKnown(surveyData));
        failures.waitForUser(exchange);
        return exchange;
    }

    @Test
    void firstSeenItIsParkedAFewSecondsWithoutAHold() {
        Exchange exchange = waiting(true, null, null);

        assertThat(exchange.getProperty(HubHeaders.NEXT_QUEUE)).isEqualTo("segment.events");
        assertThat(exchange.getMessage().getHeader(HubHeaders.SCHEDULED_DELIVERY)).isEqualTo(NOW.toEpochMilli() + 2000);
        assertThat(exchange.getMessage().getHeader(HubHeaders.USER_UNKNOWN_SINCE)).isEqualTo(NOW.toString());
        assertThat(exchange.getMessage().getHeader(HubHeaders.HOLD_PLACE)).as("in no hold").isNull();
        assertThat(exchange.getMessage().getHeader(HubHeaders.HOLD_ROUND)).isNull();
        assertThat(exchange.getProperty(HubHeaders.PARKED_NOW)).as("its hold place is released").isNull();
        assertThat(exchange.getMessage().getHeader(HubHeaders.GROUP_ID)).isEqualTo("u1");
        assertThat(exchange.getMessage().getHeader(HubHeaders.DUPLICATE_ID)).isEqualTo("m1#wait-1");
        assertThat(metrics.count("hub.events", "outcome", "parked", "reason", "user_not_yet_known")).isEqualTo(1);
    }

    @Test
    void theWaitDoublesAndIsCapped() {
        assertThat(waiting(true, NOW.minusSeconds(2), 1).getMessage().getHeader(HubHeaders.SCHEDULED_DELIVERY))
                .isEqualTo(NOW.toEpochMilli() + 4000);
        assertThat(waiting(true, NOW.minusSeconds(60), 10).getMessage().getHeader(HubHeaders.SCHEDULED_DELIVERY))
                .isEqualTo(NOW.toEpochMilli() + 60_000);
    }

    @Test
    void theLastWaitEndsWithTheGrace() {
        Instant since = NOW.minus(GRACE).plusSeconds(5);
        assertThat(waiting(true, since, 8).getMessage().getHeader(HubHeaders.SCHEDULED_DELIVERY))
                .isEqualTo(since.plus(GRACE).toEpochMilli());
    }

    @Test
    void afterTheGraceSurveyDataIsDeadLettered() {
        Exchange exchange = waiting(true, NOW.minus(GRACE), 9);

        assertThat(exchange.getProperty(HubHeaders.NEXT_QUEUE)).isEqualTo("wootric.dlq");
        assertThat(exchange.getMessage().getHeader(HubHeaders.REASON)).isEqualTo("end_user_not_found");
        assertThat(exchange.getMessage().getHeader(HubHeaders.SCHEDULED_DELIVERY)).isNull();
        assertThat(metrics.count("hub.events", "outcome", "dead_lettered", "reason", "end_user_not_found")).isEqualTo(1);
    }

    @Test
    void afterTheGraceAPropertyUpdateIsSkipped() {
        Exchange exchange = waiting(false, NOW.minus(GRACE).minusSeconds(1), 9);

        assertThat(exchange.getProperty(HubHeaders.NEXT_QUEUE)).isNull();
        assertThat(metrics.count("hub.events", "outcome", "skipped", "reason", "end_user_not_found")).isEqualTo(1);
    }
}
