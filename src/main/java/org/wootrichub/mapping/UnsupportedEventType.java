package org.wootrichub.mapping;

import org.wootrichub.wootric.PermanentFailure;

/** A Segment call type the hub does not map yet: kept in the dead-letter queue, not dropped. */
public class UnsupportedEventType extends PermanentFailure {

    public UnsupportedEventType(String message) {
        super("unsupported_type", message, 0, null, null);
    }
}
