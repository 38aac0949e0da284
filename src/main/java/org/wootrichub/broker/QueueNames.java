package org.wootrichub.broker;

/** The queues the hub owns: hub.queues.events, hub.queues.rejected and hub.queues.dlq. */
public record QueueNames(String events, String rejected, String deadLetters) {
}
