package org.wootrichub.broker;

/** An event of a request that could not be queued, with its position in the request and the reason. */
public record RejectedEvent(int index, String reason, String json) {
}
