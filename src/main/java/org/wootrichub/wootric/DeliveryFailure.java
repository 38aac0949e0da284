package org.wootrichub.wootric;

/**
 * An event that could not be delivered this time. Subclasses say what happens next: {@link TransientFailure} is
 * retried, {@link PermanentFailure} goes to the dead-letter queue with its reason.
 */
public abstract class DeliveryFailure extends RuntimeException {

    private final String reason;
    private final int status;
    private final String responseBody;
    private final String operation;

    protected DeliveryFailure(String reason, String message, int status, String responseBody, String operation, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.status = status;
        this.responseBody = responseBody;
        this.operation = operation;
    }

    /** A reason code such as wootric_rejected, auth_failed, end_user_not_found. */
    public String reason() {
        return reason;
    }

    /** The HTTP status of Wootric's answer, or 0 when there was none. */
    public int status() {
        return status;
    }

    public String responseBody() {
        return responseBody;
    }

    /** The Wootric operation that failed, e.g. "POST /v1/end_users", or null. */
    public String operation() {
        return operation;
    }
}
