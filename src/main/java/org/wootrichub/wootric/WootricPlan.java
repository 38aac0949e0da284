package org.wootrichub.wootric;

import java.util.List;

/**
 * What one Segment event asks of Wootric: which end user, the profile to create it with (or to merge into it when
 * {@code updateExisting}), and the calls to make on it once resolved. Built by a transformer, run by
 * {@link PlanExecutor}.
 */
public record WootricPlan(String eventType, EndUserKey key, EndUserProfile profile, boolean updateExisting,
        List<EndUserCall> calls) {
}
