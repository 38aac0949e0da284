package org.wootrichub.broker;

/** A normalised event ready for the events queue, with what the broker needs to order and de-duplicate it. */
public record QueuedEvent(String json, String messageId, String userKey, String type) {
}
