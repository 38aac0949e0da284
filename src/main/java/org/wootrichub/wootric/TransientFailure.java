package org.wootrichub.wootric;

/** 408, 5xx (but 501 and 505), 429, timeouts and connection failures: worth trying again later. */
public class TransientFailure extends DeliveryFailure {

    public TransientFailure(String reason, String message, int status, String responseBody, String operation, Throwable cause) {
        super(reason, message, status, responseBody, operation, cause);
    }
}
