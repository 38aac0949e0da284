package org.wootrichub.mapping;

/**
 * What identifies the end user of an event, tried in this order: the remembered id for the user key, a Wootric id
 * from context.externalIds, the userId as external id, the email.
 */
public record EndUserKey(String userKey, String wootricId, String externalId, String email) {
}
