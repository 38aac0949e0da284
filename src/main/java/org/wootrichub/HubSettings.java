package org.wootrichub;

import java.time.Duration;
import java.util.Locale;

/**
 * How the hub reads its duration settings. The settings themselves are injected from application.properties
 * (overridden by environment variables such as WOOTRIC_RETRY_MAX_AGE for wootric.retry.max-age).
 */
public final class HubSettings {

    private HubSettings() {
    }

    /** A share of a whole: "20%" or "0.2". */
    public static double parseShare(String text) {
        String t = text.trim();
        double share = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("not a share between 0% and 100%: " + text);
        }
        return share;
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
