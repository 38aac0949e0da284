package org.wootrichub.delivery;

import org.wootrichub.wootric.DeliveryFailure;

/**
 * An event for a userId Wootric does not know yet, with no email to create the end user: it probably arrived
 * before its identify. It waits on the broker (parked without holding the user back, so the identify can pass
 * it) until wootric.unknown-user.grace; after that, survey data is dead-lettered {@code end_user_not_found} and a
 * property update is skipped ({@link #surveyData()}). Neither permanent nor transient: delivery-errors handles it
 * on its own.
 */
public class UserNotYetKnown extends DeliveryFailure {

    public static final String REASON = "end_user_not_found";

    private final boolean surveyData;

    public UserNotYetKnown(boolean surveyData) {
        super(REASON, "no Wootric end user matches the event yet and it carries no email to create one", 0, null, null, null);
        this.surveyData = surveyData;
    }

    /** True for responses, declines and survey triggers (dead-lettered after the grace), false for property updates. */
    public boolean surveyData() {
        return surveyData;
    }
}
