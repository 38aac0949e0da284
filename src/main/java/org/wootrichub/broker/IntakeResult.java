package org.wootrichub.broker;

import java.util.List;

/** What one request or queue message yields: events to queue and events rejected one by one. */
public record IntakeResult(List<QueuedEvent> accepted, List<RejectedEvent> rejected, boolean singleEvent) {

    /** Nothing to store, accepted or rejected. */
    public boolean isEmpty() {
        return accepted.isEmpty() && rejected.isEmpty();
    }
}
