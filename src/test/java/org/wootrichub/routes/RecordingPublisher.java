package org.wootrichub.routes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wootrichub.broker.BrokerUnavailable;
import org.wootrichub.broker.EventPublisher;
import org.wootrichub.broker.IntakeResult;

/** Stands in for the broker behind the eventPublisher bean: records what a route publishes, or fails as the broker would. */
class RecordingPublisher extends EventPublisher {

    private final List<IntakeResult> published = new CopyOnWriteArrayList<>();
    private volatile boolean brokerDown;

    RecordingPublisher() {
        super(null, null, null);
    }

    @Override
    public void publish(IntakeResult result) {
        if (brokerDown) {
            throw new BrokerUnavailable("the broker did not store the events: connection refused", null);
        }
        published.add(result);
    }

    List<IntakeResult> published() {
        return published;
    }

    void brokerDown(boolean down) {
        brokerDown = down;
    }

    void reset() {
        published.clear();
        brokerDown = false;
    }
}
