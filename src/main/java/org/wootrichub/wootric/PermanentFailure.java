package org.wootrichub.wootric;

/** An event that will never succeed as it is: it goes to the dead-letter queue with its reason. */
public class PermanentFailure extends DeliveryFailure {

    public PermanentFailure(String reason, String message, int status, String responseBody, String operation) {
        super(reason, message, status, responseBody, operation, null);
    }

    public static PermanentFailure of(String reason, String message) {
        return new PermanentFailure(reason, message, 0, null, null);
    }
}
