package org.wootrichub.mapping;

import java.util.List;

/**
 * What one Segment event asks of Wootric. Built by a transformer (which knows nothing of Camel, HTTP or JMS) and
 * run by {@link PlanExecutor}.
 */
public sealed interface WootricPlan {

    String eventType();

    /**
     * Resolve the end user ({@code key}); when unknown, create it from {@code profile} if that carries an email,
     * else skip with {@code skipReasonWhenUnresolved} or, when that is null, dead-letter {@code end_user_not_found}.
     * When known and {@code updateExisting}, update it with the profile (merged property set). Then make the
     * {@code calls} on it.
     */
    record EndUserPlan(String eventType, EndUserKey key, EndUserProfile profile, boolean updateExisting,
            List<EndUserCall> calls, String skipReasonWhenUnresolved) implements WootricPlan {
    }

    /** Move external_id from {@code previousId}'s end user to {@code userId}, when that is safe. */
    record AliasPlan(String eventType, String previousId, String userId) implements WootricPlan {
    }

    /** Nothing to send, by rule (configuration, filtering): counted as skipped with the reason. */
    record Skip(String eventType, String reason) implements WootricPlan {
    }
}
