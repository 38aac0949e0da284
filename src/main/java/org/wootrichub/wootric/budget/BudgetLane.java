package org.wootrichub.wootric.budget;

import java.util.Locale;

/**
 * The two lanes through Wootric's budget. Survey data (responses, declines, survey triggers, and the lookups and
 * creates they need; also whatever is delivered straight from the events queue) goes first and may use the whole
 * budget. Property-only updates (the coalesced changes) use what is left: they never start while a survey call waits,
 * and never take the reserved last part of a window.
 */
public enum BudgetLane {
    SURVEY, PROPERTY;

    /** The lane's name in the {@code hubBudgetLane} header. */
    public String header() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The lane named by a header; a missing or unknown name is the survey lane (calls made as before lanes existed). */
    public static BudgetLane of(String header) {
        return PROPERTY.header().equalsIgnoreCase(header == null ? "" : header.trim()) ? PROPERTY : SURVEY;
    }
}
