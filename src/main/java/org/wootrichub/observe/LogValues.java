package org.wootrichub.observe;

import org.slf4j.MDC;

/**
 * Values that come from a request or an event (ids, user keys, paths, error texts that may quote them) made safe for
 * a log line: control characters escaped, so a value cannot forge or split lines, and the length capped.
 */
public final class LogValues {

    /** Longest value kept in a log line, in characters. */
    public static final int MAX_LENGTH = 300;

    /** MDC keys of the event a log line is about (fields of the JSON log layout). */
    public static final String MESSAGE_ID = "messageId";
    public static final String USER_KEY = "userKey";

    private LogValues() {
    }

    public static String safe(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 24);
        int i = 0;
        for (; i < text.length() && out.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (i < text.length()) {
            out.append("...(").append(text.length() - i).append(" more)");
        }
        return out.toString();
    }

    /**
     * Puts the event's messageId and user key into the logging context (MDC) until closed, so every line logged about
     * the event carries them as fields.
     */
    public static EventScope event(String messageId, String userKey) {
        MDC.put(MESSAGE_ID, safe(messageId));
        MDC.put(USER_KEY, safe(userKey));
        return new EventScope();
    }

    /** Removes the event's keys from the logging context. */
    public static final class EventScope implements AutoCloseable {
        private EventScope() {
        }

        @Override
        public void close() {
            MDC.remove(MESSAGE_ID);
            MDC.remove(USER_KEY);
        }
    }
}
