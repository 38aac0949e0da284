package org.wootrichub.mapping;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keys that change what the transformers do: which track events are responses, declines or survey triggers
 * (names matched exactly, as Wootric's targeted sampling does), and whether other track events and page/screen
 * calls are recorded on the end user.
 */
public record MappingSettings(Set<String> responseEvents, Set<String> declineEvents, Set<String> surveyTriggerEvents,
        boolean recordOtherEvents, boolean recordPages) {

    /** From the settings' text: comma-separated event names, and "ignore" or "record" for the two modes. */
    public static MappingSettings of(String responseEvents, String declineEvents, String surveyTriggerEvents, String otherEvents,
            String pageMode) {
        return new MappingSettings(names(responseEvents), names(declineEvents), names(surveyTriggerEvents),
                !"ignore".equalsIgnoreCase(otherEvents.trim()), !"ignore".equalsIgnoreCase(pageMode.trim()));
    }

    /** Event names from a comma-separated list (names are trimmed; empty entries dropped). */
    public static Set<String> names(String commaSeparated) {
        if (commaSeparated == null) {
            return Set.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(n -> !n.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}
