package org.wootrichub.admin;

/** One record of the outcome log: its JSON, and the two values it is searched by (message properties on the queue). */
public record OutcomeRecord(String messageId, String userKey, String json) {
}
