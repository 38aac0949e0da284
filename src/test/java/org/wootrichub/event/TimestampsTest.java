package org.wootrichub.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(nullValues = "null", value = {
        // what Segment libraries write: read by the fast path
        "2026-11-29T12:00:00.123Z, 2026-11-29T12:00:00.123Z",
        "2026-11-29T12:00:00Z, 2026-11-29T12:00:00Z",
        "2026-11-29T12:00:00.1Z, 2026-11-29T12:00:00.100Z",
        "2026-11-29T12:00:00.123456789Z, 2026-11-29T12:00:00.123456789Z",
        "2024-02-29T23:59:59.999Z, 2024-02-29T23:59:59.999Z",
        "2026-12-31T00:00:00Z, 2026-12-31T00:00:00Z",
        // every other form the formatter reads, as before
        "2026-11-29, 2026-11-29T00:00:00Z",
        "2026-11-29T12:00:00.123+02:00, 2026-11-29T10:00:00.123Z",
        "2026-11-29T12:00:00+0200, 2026-11-29T10:00:00Z",
        "2026-11-29T12:00:00-05, 2026-11-29T17:00:00Z",
        "2026-11-29T12:00:00.123z, 2026-11-29T12:00:00.123Z",
        "2026-11-29t12:00:00Z, 2026-11-29T12:00:00Z",
        "2026-11-29 12:00:00Z, 2026-11-29T12:00:00Z",
        "2026-11-29T12:00, 2026-11-29T12:00:00Z",
        "2026-11-29T12:00:00, 2026-11-29T12:00:00Z",
        "' 2026-11-29T12:00:00Z ', 2026-11-29T12:00:00Z",
        "2026-11-29T12:00:00.Z, 2026-11-29T12:00:00Z",
        // days past the month's end: the formatter's lenient reading, unchanged
        "2026-02-30T12:00:00Z, 2026-02-28T12:00:00Z",
        // not timestamps
        "2026-13-01T12:00:00Z, null",
        "2026-11-29T24:00:01Z, null",
        "2026-11-29T12:00:60Z, null",
        "2026-11-29T12:00:00.1234567890Z, null",
        "2026-11-2xT12:00:00Z, null",
        "yesterday, null",
        "'', null"
    })
    void readsWhatSegmentWrites(String text, String expected) {
        Instant parsed = Timestamps.parseIso(text);
        assertThat(parsed).isEqualTo(expected == null ? null : Instant.parse(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2026-11-29T12:00:00.123Z",
        "2026-11-29T12:00:00Z",
        "2024-02-29T00:00:00.000001Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z"
    })
    void theFastPathAgreesWithTheFormatter(String text) {
        assertThat(Timestamps.parseUtc(text)).isNotNull().isEqualTo(Instant.parse(text));
    }
}
