package org.wootrichub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.event.SegmentJson;

/**
 * wootric-mapping.md, identify: external_created_at as Unix seconds rounded to the nearest second, from ISO-8601
 * date or date-time (with or without offset), yyyyMMdd, epoch seconds, epoch milliseconds and decimals, as number or
 * string. Unparseable: empty (the field is left out, the event does not fail).
 */
class CreatedAtTest {

    /** The JSON literal column is parsed with the hub's mapper, so numbers arrive as Jackson number nodes. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # spec examples
            '"2015-01-01"'                      | 1420070400
            '"20150101"'                        | 1420070400
            20150101                            | 1420070400
            1420099200000                       | 1420099200
            '"1420099200000"'                   | 1420099200
            1420099200.435                      | 1420099200
            '"1420099200.435"'                  | 1420099200
            # epoch seconds
            1420099200                          | 1420099200
            '"1420099200"'                      | 1420099200
            0                                   | 0
            # decimals written in exponent form by some JSON writers
            1.4200992E9                         | 1420099200
            1.4200992E12                        | 1420099200
            # ISO-8601 date-time: Z, offset, no offset (UTC)
            '"2015-01-01T08:00:00Z"'            | 1420099200
            '"2015-01-01T08:00:00.000Z"'        | 1420099200
            '"2015-01-01T10:00:00+02:00"'       | 1420099200
            '"2015-01-01T03:00:00-05:00"'       | 1420099200
            '"2015-01-01T08:00:00"'             | 1420099200
            '"2015-01-01T08:00:00.435Z"'        | 1420099200
            '"2014-12-31T22:00:00-10:00"'       | 1420099200
            # rounded to the NEAREST second
            '"2015-01-01T08:00:00.499Z"'        | 1420099200
            '"2015-01-01T08:00:00.500Z"'        | 1420099201
            '"2015-01-01T08:00:00.999+00:00"'   | 1420099201
            '"2015-01-01T10:00:00.750+02:00"'   | 1420099201
            1420099200.5                        | 1420099201
            '"1420099200.5"'                    | 1420099201
            1420099200.499                      | 1420099200
            1420099200.999                      | 1420099201
            1420099200500                       | 1420099201
            '"1420099200500"'                   | 1420099201
            1420099200499                       | 1420099200
            1420099200999                       | 1420099201
            """)
    void jsonValueToUnixSeconds(String jsonLiteral, long expected) {
        JsonNode value = SegmentJson.parse(jsonLiteral);
        assertThat(CreatedAt.toUnixSeconds(value)).hasValue(expected);
    }

    @ParameterizedTest(name = "text \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2015-01-01                    | 1420070400
            20150101                      | 1420070400
            1420099200000                 | 1420099200
            1420099200.435                | 1420099200
            1420099200                    | 1420099200
            2015-01-01T08:00:00Z          | 1420099200
            2015-01-01T10:00:00+02:00     | 1420099200
            2015-01-01T08:00:00           | 1420099200
            2015-01-01T08:00:00.5Z        | 1420099201
            1420099200.5                  | 1420099201
            1420099200500                 | 1420099201
            """)
    void textToUnixSeconds(String text, long expected) {
        assertThat(CreatedAt.toUnixSeconds(text)).hasValue(expected);
    }

    @ParameterizedTest(name = "unparseable JSON {0} -> empty")
    @ValueSource(strings = {
            "\"soon\"", "true", "false", "{}", "{\"at\":\"2015-01-01\"}", "[]", "[1420099200]", "null", "\"\"", "\"   \"",
            "\"next tuesday\"", "\"2015-13-45\"", "\"2015-02-30\"", "\"2015-01-01T25:00:00Z\"", "\"1420099200abc\"",
            "\"01/01/2015\""})
    void unparseableJsonIsEmpty(String jsonLiteral) {
        assertThat(CreatedAt.toUnixSeconds(SegmentJson.parse(jsonLiteral))).isEmpty();
    }

    @ParameterizedTest(name = "unparseable text \"{0}\" -> empty")
    @NullAndEmptySource
    @ValueSource(strings = {"soon", "true", "{}", "   ", "2015-13-45", "yesterday at noon"})
    void unparseableTextIsEmpty(String text) {
        assertThat(CreatedAt.toUnixSeconds(text)).isEmpty();
    }

    @Test
    @DisplayName("a Java null or missing node -> empty")
    void nullNodeIsEmpty() {
        assertThat(CreatedAt.toUnixSeconds((JsonNode) null)).isEmpty();
        assertThat(CreatedAt.toUnixSeconds(JsonNodeFactory.instance.missingNode())).isEmpty();
    }

    /**
     * "Unparseable: leave the field out and count a warning; do not fail the event." A number with no Unix-seconds
     * meaning in a long must give empty, not throw.
     */
    @ParameterizedTest(name = "out-of-range {0} -> empty, no exception")
    @ValueSource(strings = {"99999999999999999999999999", "\"99999999999999999999999999\"", "1e400"})
    void outOfRangeNumbersAreUnparseableNotErrors(String jsonLiteral) {
        JsonNode value = SegmentJson.parse(jsonLiteral);
        OptionalLong result;
        try {
            result = CreatedAt.toUnixSeconds(value);
        } catch (RuntimeException e) {
            throw new AssertionError("expected empty for " + jsonLiteral + " but it threw " + e, e);
        }
        assertThat(result).isEmpty();
    }
}
