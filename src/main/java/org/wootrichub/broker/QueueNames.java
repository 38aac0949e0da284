package org.wootrichub.broker;

/**
 * The queues the hub owns: hub.queues.events, hub.queues.rejected and hub.queues.dlq; and the outcome log, a ring
 * queue of hub.outcomes.max records (its name is fixed: routes/delivery-errors.camel.yaml and
 * docker/artemis/broker.xml write it too).
 */
public record QueueNames(String events, String rejected, String deadLetters) {

    public static final String OUTCOMES = "hub.outcomes";
}
