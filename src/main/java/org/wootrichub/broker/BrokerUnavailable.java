package org.wootrichub.broker;

/** The broker did not take the events: the client should retry later, nothing was acknowledged. */
public class BrokerUnavailable extends RuntimeException {

    public BrokerUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
