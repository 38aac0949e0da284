package org.wootrichub.wootric;

/**
 * 408, 5xx (but 501 and 505), timeouts and connection failures, and a 429 from the token endpoint: worth trying again
 * later. (A 429 on an API call is no failure: the call waits for the budget and is sent again.)
 */
public class TransientFailure extends DeliveryFailure {

    public TransientFailure(String reason, String message, int status, String responseBody, String operation, Throwable cause) {
        super(reason, message, status, responseBody, operation, cause);
    }
}
