package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.observe.CapturedLogs;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.observe.SecretMasker;
import org.wootrichub.wootric.PermanentFailure;
import org.wootrichub.wootric.TransientFailure;

/** The log lines about a failed delivery: request values escaped and capped, the event's ids as MDC fields. */
class DeliveryFailuresTest {

    private static final CamelContext CONTEXT = new DefaultCamelContext();
    private static final String FORGED = "m-1\r\n2024-01-01 00:00:00,000 ERROR [main] Fake - forged line";
    private static final String USER = "user\n1";

    private final TestClock clock = new TestClock(java.time.Instant.parse("2024-05-01T12:00:00Z"));
    private final UserHolds holds = new UserHolds(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> clock.instant().toEpochMilli());
    private final DeliveryFailures failures = new DeliveryFailures("segment.events", "wootric.dlq", Duration.ofHours(4), holds,
            new SecretMasker(List.of("s3cret-value")), HubMetrics.inMemory(), "test", clock, Duration.ofMinutes(10));

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    private static Exchange event(Exception failure) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getMessage().setBody(SegmentJson.write(SegmentJson.MAPPER.createObjectNode()
                .put("type", "track").put("userId", USER).put("messageId", FORGED)));
        exchange.getMessage().setHeader(HubHeaders.DUPLICATE_ID, FORGED);
        exchange.getMessage().setHeader(HubHeaders.SEGMENT_TYPE, "track\r\nINFO forged");
        exchange.getMessage().setHeader(HubHeaders.USER_KEY, USER);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    private static void assertSafe(LogEvent event) {
        String line = event.getMessage().getFormattedMessage();
        assertThat(line).doesNotContain("\r").doesNotContain("\n").doesNotContain("s3cret-value").hasSizeLessThan(2000);
        assertThat(event.getContextData().<String>getValue("messageId")).isEqualTo("m-1\\r\\n2024-01-01 00:00:00,000 ERROR [main] Fake - forged line");
        assertThat(event.getContextData().<String>getValue("userKey")).isEqualTo("user\\n1");
    }

    @Test
    void theDeadLetterErrorLineIsEscapedAndCarriesTheEventsIds() {
        String longMessage = "invalid score '" + "9\n".repeat(5000) + "' s3cret-value";
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG)) {
            failures.deadLetter(event(PermanentFailure.of("invalid_score", longMessage)));
            List<LogEvent> errors = logs.events().stream().filter(e -> e.getLevel() == Level.ERROR).toList();
            assertThat(errors).singleElement().satisfies(DeliveryFailuresTest::assertSafe);
            assertThat(errors.get(0).getMessage().getFormattedMessage()).contains("event m-1\\r\\n2024-01-01").contains("more)");
        }
    }

    @Test
    void theParkingLinesAreEscapedAndCarryTheEventsIds() {
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub")) {
            failures.retryLater(event(new TransientFailure("wootric_unavailable", "503\r\nforged", 503, null, "update", null)));
            List<LogEvent> lines = logs.events().stream().filter(e -> e.getLoggerName().startsWith("org.wootrichub")).toList();
            assertThat(lines).extracting(LogEvent::getLevel).contains(Level.WARN, Level.DEBUG);
            assertThat(lines).allSatisfy(DeliveryFailuresTest::assertSafe);
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("event m-1\\r\\n2024-01-01").contains("(503\\r\\nforged)"));
        }
    }

    @Test
    void theHoldAdmissionLineIsEscapedAndCarriesTheEventsIds() {
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub")) {
            Exchange exchange = event(null);
            new Parking(holds).admit(exchange);
            List<LogEvent> lines = logs.events().stream().filter(e -> e.getLoggerName().equals(Parking.class.getName())).toList();
            assertThat(lines).singleElement().satisfies(DeliveryFailuresTest::assertSafe);
        }
    }
}
