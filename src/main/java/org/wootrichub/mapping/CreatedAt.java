package org.wootrichub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.wootrichub.event.Timestamps;

/**
 * Turns the date forms Segment sources send (ISO-8601, yyyyMMdd, epoch seconds or milliseconds, decimals, as
 * number or string) into Unix seconds rounded to the nearest second, as Wootric requires.
 */
public final class CreatedAt {

    private static final Pattern NUMBER = Pattern.compile("^-?\\d+(\\.\\d+)?$");
    private static final Pattern YYYYMMDD = Pattern.compile("^\\d{8}$");
    /** Above this an epoch is taken as milliseconds: as seconds it would lie past the year 5000. */
    private static final BigDecimal MILLIS_THRESHOLD = new BigDecimal("100000000000");

    private CreatedAt() {
    }

    public static OptionalLong toUnixSeconds(JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode() || value.isBoolean()) {
            return OptionalLong.empty();
        }
        if (value.isNumber()) {
            try {
                return fromNumber(value.decimalValue(), value.isIntegralNumber() ? value.asText() : null);
            } catch (NumberFormatException e) {
                return OptionalLong.empty(); // Infinity or NaN
            }
        }
        return toUnixSeconds(value.asText());
    }

    public static OptionalLong toUnixSeconds(String text) {
        if (text == null || text.isBlank()) {
            return OptionalLong.empty();
        }
        String t = text.trim();
        if (NUMBER.matcher(t).matches()) {
            return fromNumber(new BigDecimal(t), t.contains(".") ? null : t);
        }
        Instant instant = Timestamps.parseIso(t);
        return instant == null ? OptionalLong.empty() : OptionalLong.of(roundedSeconds(instant));
    }

    private static OptionalLong fromNumber(BigDecimal number, String integerDigits) {
        if (integerDigits != null && YYYYMMDD.matcher(integerDigits).matches()) {
            try {
                LocalDate date = LocalDate.parse(integerDigits, DateTimeFormatter.BASIC_ISO_DATE);
                return OptionalLong.of(date.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            } catch (DateTimeParseException e) {
                // eight digits that are not a date are an epoch in seconds (early 1970s)
            }
        }
        BigDecimal seconds = number.abs().compareTo(MILLIS_THRESHOLD) >= 0 ? number.movePointLeft(3) : number;
        try {
            return OptionalLong.of(seconds.setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            return OptionalLong.empty(); // beyond any date
        }
    }

    static long roundedSeconds(Instant instant) {
        return instant.getNano() >= 500_000_000 ? instant.getEpochSecond() + 1 : instant.getEpochSecond();
    }
}
