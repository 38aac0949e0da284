package org.wootrichub.broker;

/**
 * The queues the hub owns: hub.queues.events, hub.queues.rejected, hub.queues.dlq and hub.queues.pending (the users'
 * pending property changes, a last-value queue keyed by the user key); and the outcome log, a ring queue of
 * hub.outcomes.max records (its name is fixed: routes/delivery-errors.camel.yaml and docker/artemis/broker.xml write
 * it too).
 */
public record QueueNames(String events, String rejected, String deadLetters, String pending) {

    public static final String OUTCOMES = "hub.outcomes";
}
