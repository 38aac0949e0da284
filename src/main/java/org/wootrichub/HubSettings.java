package org.wootrichub;

import java.time.Duration;
import java.util.Locale;
import org.apache.camel.CamelContext;

/**
 * Reads the hub's keys from Camel's properties (application.properties, overridden by environment variables such
 * as WOOTRIC_CLIENT_ID for wootric.client-id).
 */
public final class HubSettings {

    private final CamelContext context;

    public HubSettings(CamelContext context) {
        this.context = context;
    }

    public String text(String key, String fallback) {
        String value = context.getPropertiesComponent().resolveProperty(key).orElse(null);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public int integer(String key, int fallback) {
        String value = text(key, null);
        return value == null ? fallback : Integer.parseInt(value);
    }

    public boolean bool(String key, boolean fallback) {
        String value = text(key, null);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }

    public Duration duration(String key, String fallback) {
        return parseDuration(text(key, fallback));
    }

    /** "250ms", "30s", "5m", "4h", "2d", a plain number of milliseconds, or ISO-8601 ("PT4H"). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
        }
        char unit = t.charAt(t.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofMillis(Long.parseLong(t));
        }
        long amount = Long.parseLong(t.substring(0, t.length() - 1).trim());
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not a duration: " + text);
        };
    }
}
