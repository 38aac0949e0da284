package org.wootrichub.broker;

/**
 * The queues the hub owns: hub.queues.events, hub.queues.rejected, hub.queues.dlq and hub.queues.pending (the users'
 * pending property changes, a last-value queue keyed by the user key).
 */
public record QueueNames(String events, String rejected, String deadLetters, String pending) {
}
