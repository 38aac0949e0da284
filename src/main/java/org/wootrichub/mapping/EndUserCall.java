package org.wootrichub.mapping;

import java.util.Map;

/** A call on a resolved end user: the path below /v1/end_users/{id} (such as "/responses") with its form. */
public record EndUserCall(String method, String subPath, Map<String, String> form) {
}
