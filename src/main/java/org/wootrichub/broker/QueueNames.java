package org.wootrichub.broker;

import java.util.List;

/** The queues the hub owns (configurable names, defaults as in the docs). */
public record QueueNames(String events, String rejected, String deadLetters) {

    public static final QueueNames DEFAULT = new QueueNames("segment.events", "segment.rejected", "wootric.dlq");

    public List<String> all() {
        return List.of(events, rejected, deadLetters);
    }
}
