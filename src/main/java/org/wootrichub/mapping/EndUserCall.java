package org.wootrichub.mapping;

import java.util.Map;

/**
 * A call on a resolved end user: the path below /v1/end_users/{id} (such as "/responses") with its form. When
 * {@code endUserProperties} is not null, the call carries the end user's full merged property set (the current
 * properties overlaid with these) as end_user[properties][...], added when the end user is known.
 */
public record EndUserCall(String method, String subPath, Map<String, String> form, Map<String, String> endUserProperties) {

    public EndUserCall(String method, String subPath, Map<String, String> form) {
        this(method, subPath, form, null);
    }
}
