package org.wootrichub.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.mapping.EndUserCall;
import org.wootrichub.mapping.EndUserKey;
import org.wootrichub.mapping.EndUserProfile;
import org.wootrichub.mapping.WootricPlan.EndUserPlan;

/**
 * One user's property-only changes that wait for Wootric's budget, merged in the order they were accepted: the later
 * value wins per property (a null value clears it) and per end-user field. {@code events} counts the merged events
 * by type; {@code firstAt}/{@code lastAt} are when the oldest and the newest were merged (epoch millis). Each merged
 * state has its own {@code changeId}, so the pending message on the broker is removed only if it still holds it.
 */
public record PendingChange(String changeId, String userKey, String wootricId, String externalId, String keyEmail,
        String email, boolean updatesEmail, Long externalCreatedAt, String phoneNumber, Map<String, String> properties,
        Map<String, Integer> events, boolean skipWhenUnresolved, long firstAt, long lastAt) {

    /**
     * The type of a flushed change's plan when no identify is in it (an identify's rules apply when one is), and of a
     * dead-lettered change (its body is the change, not a Segment event).
     */
    public static final String TYPE = "coalesced";

    /** The changes of one property-only plan (identify, page, screen, group, other track events). */
    public static PendingChange of(EndUserPlan plan, long now) {
        EndUserKey key = plan.key();
        EndUserProfile profile = plan.profile();
        Map<String, Integer> events = new LinkedHashMap<>();
        events.put(plan.eventType(), 1);
        return new PendingChange(UUID.randomUUID().toString(), key.userKey(), key.wootricId(), key.externalId(), key.email(),
                profile.email(), profile.updatesEmail() && profile.email() != null, profile.externalCreatedAt(), profile.phoneNumber(),
                new LinkedHashMap<>(profile.properties()), events, plan.skipReasonWhenUnresolved() != null, now, now);
    }

    /** This change followed by a later one: the later value wins; an identify's email is never replaced by another call's. */
    public PendingChange merge(PendingChange later) {
        Map<String, String> mergedProperties = new LinkedHashMap<>(properties);
        mergedProperties.putAll(later.properties);
        Map<String, Integer> mergedEvents = new LinkedHashMap<>(events);
        later.events.forEach((type, n) -> mergedEvents.merge(type, n, Integer::sum));
        String mergedEmail;
        boolean mergedUpdatesEmail;
        if (later.updatesEmail) {
            mergedEmail = later.email;
            mergedUpdatesEmail = true;
        } else if (updatesEmail) {
            mergedEmail = email;
            mergedUpdatesEmail = true;
        } else {
            mergedEmail = later(email, later.email);
            mergedUpdatesEmail = false;
        }
        return new PendingChange(UUID.randomUUID().toString(), userKey, later(wootricId, later.wootricId),
                later(externalId, later.externalId), later(keyEmail, later.keyEmail), mergedEmail, mergedUpdatesEmail,
                later(externalCreatedAt, later.externalCreatedAt), later(phoneNumber, later.phoneNumber), mergedProperties,
                mergedEvents, skipWhenUnresolved && later.skipWhenUnresolved, Math.min(firstAt, later.firstAt),
                Math.max(lastAt, later.lastAt));
    }

    /** How many events are merged in it. */
    public int eventCount() {
        return events.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** True when it changes nothing but properties, so a response or decline can carry it. */
    public boolean onlyProperties() {
        return !updatesEmail && externalCreatedAt == null && phoneNumber == null;
    }

    public EndUserKey key() {
        return new EndUserKey(userKey, wootricId, externalId, keyEmail);
    }

    public EndUserProfile profile() {
        return new EndUserProfile(email, externalId, externalCreatedAt, phoneNumber, properties, updatesEmail);
    }

    /** The one update that sends it: resolve (or create) the end user, then PUT the merged property set. */
    public EndUserPlan plan() {
        return new EndUserPlan(events.containsKey("identify") ? "identify" : TYPE, key(), profile(), true, List.of(),
                skipWhenUnresolved ? "anonymous" : null);
    }

    /**
     * A survey plan (response, decline, trigger) that brings these changes along: carried in each call's
     * end_user[properties] when it has them and this change is properties only, else sent first as an update.
     */
    public EndUserPlan carriedBy(EndUserPlan survey) {
        boolean carriable = onlyProperties() && survey.calls().stream().allMatch(call -> call.endUserProperties() != null);
        if (carriable) {
            List<EndUserCall> calls = survey.calls().stream()
                    .map(call -> new EndUserCall(call.method(), call.subPath(), call.form(), followedBy(call.endUserProperties())))
                    .toList();
            return new EndUserPlan(survey.eventType(), survey.key(), survey.profile(), survey.updateExisting(), calls,
                    survey.skipReasonWhenUnresolved());
        }
        EndUserProfile own = survey.profile();
        EndUserProfile first = new EndUserProfile(email != null ? email : own == null ? null : own.email(),
                later(own == null ? null : own.externalId(), externalId), externalCreatedAt, phoneNumber, properties, updatesEmail);
        return new EndUserPlan(survey.eventType(), survey.key(), first, true, survey.calls(), survey.skipReasonWhenUnresolved());
    }

    /** The pending plan followed by a later property-only plan, as one change (an identify that must go now). */
    public EndUserPlan followedBy(EndUserPlan later, long now) {
        PendingChange merged = merge(of(later, now));
        EndUserPlan plan = merged.plan();
        return new EndUserPlan(later.eventType(), plan.key(), plan.profile(), true, List.of(), later.skipReasonWhenUnresolved());
    }

    /** The plan of a dead-lettered change that an operator replays: the change is sent again as it was merged. */
    public static EndUserPlan replayPlan(String json) {
        return fromJson(json).plan();
    }

    public String toJson() {
        try {
            return SegmentJson.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PendingChange fromJson(String json) {
        try {
            return SegmentJson.MAPPER.readValue(json, PendingChange.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a pending change: " + e.getOriginalMessage(), e);
        }
    }

    private Map<String, String> followedBy(Map<String, String> laterProperties) {
        Map<String, String> merged = new LinkedHashMap<>(properties);
        merged.putAll(laterProperties);
        return merged;
    }

    private static <T> T later(T earlier, T later) {
        return later != null ? later : earlier;
    }
}
