package org.wootrichub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MDC;

/** Request values in log lines: escaped, so they cannot forge lines, and capped. */
class LogValuesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "CR LF           | \"m-1\r\n2024-01-01 ERROR forged\" | \"m-1\\r\\n2024-01-01 ERROR forged\"",
            "LF alone        | \"a\nb\"                          | \"a\\nb\"",
            "tab and SOH     | \"a\tb\u0001\"                     | \"a\\tb\\u0001\"",
            "backslash       | \"a\\nb\"                         | \"a\\\\nb\"",
            "line separators | \"a\u2028b\u2029c\u0085\"         | \"a\\u2028b\\u2029c\\u0085\"",
            "plain text      | \"user-42 Zoë\"                    | \"user-42 Zoë\""})
    void controlCharactersAreEscaped(String description, String value, String logged) {
        assertThat(LogValues.safe(value)).isEqualTo(logged).doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void longValuesAreCapped() {
        String logged = LogValues.safe("x".repeat(10_000));
        assertThat(logged).startsWith("x".repeat(LogValues.MAX_LENGTH)).endsWith("...(9700 more)");
        assertThat(logged.length()).isLessThan(LogValues.MAX_LENGTH + 20);
        assertThat(LogValues.safe("\n".repeat(10_000)).length()).isLessThan(LogValues.MAX_LENGTH + 20);
    }

    @Test
    void nullIsLoggedAsNull() {
        assertThat(LogValues.safe(null)).isEqualTo("null");
    }

    @Test
    void theEventScopePutsSafeValuesIntoTheMdcAndRemovesThem() {
        try (LogValues.EventScope scope = LogValues.event("m-1\nforged", "user-1")) {
            assertThat(MDC.get(LogValues.MESSAGE_ID)).isEqualTo("m-1\\nforged");
            assertThat(MDC.get(LogValues.USER_KEY)).isEqualTo("user-1");
        }
        assertThat(MDC.get(LogValues.MESSAGE_ID)).isNull();
        assertThat(MDC.get(LogValues.USER_KEY)).isNull();
    }
}
