package org.wootrichub.wootric;

/** delivery.md's table: what an unsuccessful Wootric answer means for the event. */
public final class AnswerClassifier {

    private static final int BODY_LIMIT = 4096;

    private AnswerClassifier() {
    }

    public static boolean isTransient(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    /** The failure to throw for a non-2xx answer that is not a lookup's 404 nor a first 401. */
    public static DeliveryFailure failureFor(WootricAnswer answer, String operation) {
        int status = answer.status();
        String body = truncate(answer.body());
        String message = operation + " answered " + status;
        if (status == 401) {
            return new PermanentFailure("auth_failed", message + " after a token renewal", status, body, operation);
        }
        if (status == 429) {
            return new TransientFailure("throttled", message, status, body, operation, null);
        }
        if (isTransient(status)) {
            return new TransientFailure("wootric_unavailable", message, status, body, operation, null);
        }
        return new PermanentFailure("wootric_rejected", message, status, body, operation);
    }

    public static String truncate(String body) {
        if (body == null) {
            return null;
        }
        return body.length() <= BODY_LIMIT ? body : body.substring(0, BODY_LIMIT);
    }
}
