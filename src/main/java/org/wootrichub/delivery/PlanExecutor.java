package org.wootrichub.delivery;

import org.wootrichub.wootric.TransientFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.mapping.WootricPlan.AliasPlan;
import org.wootrichub.mapping.WootricPlan.EndUserPlan;
import org.wootrichub.mapping.WootricPlan.Skip;
import org.wootrichub.mapping.EndUserCall;
import org.wootrichub.mapping.EndUserKey;
import org.wootrichub.mapping.EndUserProfile;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.wootric.AlreadyTaken;
import org.wootrichub.wootric.EndUser;
import org.wootrichub.wootric.PermanentFailure;
import org.wootrichub.wootric.WootricClient;

/**
 * Runs a {@link WootricPlan}. For an end-user plan: resolve the end user (remembered, Wootric id, external id,
 * email), create it when unknown and the event carries an email (recovering from the "already been taken" race),
 * update it with the merged property set, then make the plan's calls on it. A remembered end user costs no lookup;
 * if Wootric no longer knows it (404), it is forgotten and resolved again.
 */
public class PlanExecutor {

    /** A remembered end user that Wootric answered 404 for. */
    private static final class StaleEndUser extends RuntimeException {
        StaleEndUser() {
            super(null, null, false, false);
        }
    }

    private final WootricClient client;
    private final EndUserCache cache;
    private final HubMetrics metrics;

    public PlanExecutor(WootricClient client, EndUserCache cache, HubMetrics metrics) {
        this.client = client;
        this.cache = cache;
        this.metrics = metrics;
    }

    /** How a plan ended when it did not fail: delivered, or skipped with the reason. */
    public record Result(String outcome, String reason) {

        public static final Result DELIVERED = new Result("delivered", null);

        public static Result skipped(String reason) {
            return new Result("skipped", reason);
        }
    }

    public Result execute(WootricPlan plan) {
        if (plan instanceof Skip skip) {
            metrics.skipped(skip.eventType(), skip.reason());
            return Result.skipped(skip.reason());
        } else if (plan instanceof AliasPlan alias) {
            return alias(alias);
        } else if (plan instanceof EndUserPlan endUserPlan) {
            Result result = runForgettingStale(endUserPlan);
            if (result == Result.DELIVERED) {
                metrics.delivered(plan.eventType());
            }
            return result;
        }
        throw new IllegalArgumentException("no plan to run");
    }

    /**
     * Runs an end-user plan without counting it (the caller counts the events it stands for).
     *
     * @return false when it was skipped because the end user could not be resolved (counted as skipped)
     */
    public boolean deliver(EndUserPlan plan) {
        return runForgettingStale(plan) == Result.DELIVERED;
    }

    /** A remembered end user that Wootric no longer knows is forgotten, and the plan run again without the cache. */
    private Result runForgettingStale(EndUserPlan plan) {
        try {
            return run(plan, true);
        } catch (StaleEndUser stale) {
            cache.remove(plan.key().userKey());
            return run(plan, false);
        }
    }

    /** @return skipped when the end user could not be resolved and the plan says to skip then */
    private Result run(EndUserPlan plan, boolean useCache) {
        EndUserKey key = plan.key();
        EndUser remembered = useCache ? cache.get(key.userKey()) : null;
        EndUser user = remembered != null ? remembered : lookup(key);
        if (user == null) {
            if (plan.profile() == null || plan.profile().email() == null) {
                if (key.externalId() != null && !"identify".equals(plan.eventType())) {
                    // probably ahead of the identify that creates the end user: it waits for it
                    throw new UserNotYetKnown(!plan.calls().isEmpty());
                }
                if (plan.skipReasonWhenUnresolved() != null) {
                    return skipped(plan, plan.skipReasonWhenUnresolved());
                }
                throw PermanentFailure.of("end_user_not_found",
                        "no Wootric end user matches the event and it carries no email to create one");
            }
            user = createOrRecover(plan);
        } else if (plan.updateExisting() && plan.profile() != null) {
            user = update(user, plan.profile(), remembered != null);
        }
        for (EndUserCall call : plan.calls()) {
            Map<String, String> form = call.form();
            if (call.endUserProperties() != null) {
                user = withCurrentProperties(user, remembered != null);
                Map<String, String> merged = EndUserProfile.merged(user.properties(), call.endUserProperties());
                form = new LinkedHashMap<>(form);
                for (Map.Entry<String, String> property : merged.entrySet()) {
                    form.put("end_user[properties][" + property.getKey() + "]", property.getValue());
                }
                user = user.withProperties(merged);
            }
            if (!client.callOn(user.id(), call.method(), call.subPath(), form)) {
                throw gone(remembered != null, call.method() + " /v1/end_users/{id}" + call.subPath());
            }
        }
        cache.put(key.userKey(), user);
        return Result.DELIVERED;
    }

    private EndUser lookup(EndUserKey key) {
        if (key.wootricId() != null) {
            EndUser user = client.findById(key.wootricId());
            if (user != null) {
                return user;
            }
        }
        if (key.externalId() != null) {
            EndUser user = client.findByExternalId(key.externalId());
            if (user != null) {
                return user;
            }
        }
        return key.email() == null ? null : client.findByEmail(key.email());
    }

    /**
     * Creates the end user. An "already been taken" answer is told apart by its field: the email (another writer
     * was faster) → update the end user that has it; the external id → update the end user that has it; only the
     * phone number → create again without it (a warning).
     */
    private EndUser createOrRecover(EndUserPlan plan) {
        EndUserProfile profile = plan.profile();
        Map<String, String> form = profile.createForm();
        while (true) {
            try {
                EndUser created = client.create(form);
                // what we sent is what it holds now, whatever the create answer echoes
                return new EndUser(created.id(), profile.email(), profile.externalId(), Map.of(), true).with(form);
            } catch (AlreadyTaken taken) {
                if (taken.fields().contains(AlreadyTaken.Field.EMAIL)) {
                    return updateTaken(client.findByEmail(profile.email()), profile, taken, "email");
                }
                if (taken.fields().contains(AlreadyTaken.Field.EXTERNAL_ID)) {
                    return updateTaken(client.findByExternalId(profile.externalId()), profile, taken, "external id");
                }
                form = withoutTaken(form, taken, plan.eventType());
            }
        }
    }

    private EndUser updateTaken(EndUser existing, EndUserProfile profile, AlreadyTaken taken, String field) {
        if (existing == null) {
            throw new TransientFailure("taken_not_found", "Wootric says the " + field + " is taken but the lookup finds nobody",
                    422, taken.responseBody(), taken.operation(), null);
        }
        return update(existing, profile, false);
    }

    /**
     * Updates the end user with the merged property set. A field Wootric says is already taken by another end
     * user (email, phone number, external id) is left out and the update sent again, with a warning: the other
     * properties are still delivered.
     */
    private EndUser update(EndUser user, EndUserProfile profile, boolean remembered) {
        EndUser current = profile.properties().isEmpty() ? user : withCurrentProperties(user, remembered);
        Map<String, String> form = profile.updateForm(current);
        while (true) {
            try {
                if (!client.update(current.id(), form)) {
                    throw gone(remembered, "PUT /v1/end_users/{id}");
                }
                EndUser updated = current.with(form);
                // a property set to null is gone from the merged set, and so from the remembered one
                return updated.withProperties(EndUserProfile.merged(updated.properties(), profile.properties()));
            } catch (AlreadyTaken taken) {
                form = withoutTaken(form, taken, "update");
            }
        }
    }

    /** The form without the fields Wootric says are taken (each counted as a warning); rethrows when none is left out. */
    private Map<String, String> withoutTaken(Map<String, String> form, AlreadyTaken taken, String type) {
        Map<String, String> without = new LinkedHashMap<>(form);
        for (AlreadyTaken.Field field : taken.fields()) {
            if (without.remove(field.formKey()) != null) {
                metrics.mappingWarning(type, field.formKey() + "_taken");
            }
        }
        if (without.size() == form.size()) {
            throw taken;
        }
        return without;
    }

    /** The end user with its current properties: read again when the remembered ones are too old to merge into. */
    private EndUser withCurrentProperties(EndUser user, boolean remembered) {
        if (user.propertiesKnown()) {
            return user;
        }
        EndUser current = client.findById(user.id());
        if (current == null) {
            throw gone(remembered, "GET /v1/end_users/{id}");
        }
        return current;
    }

    private Result alias(AliasPlan plan) {
        EndUser previous = client.findByExternalId(plan.previousId());
        if (previous == null) {
            return skipped(plan, "alias_previous_not_found");
        }
        if (plan.userId().equals(previous.externalId())) {
            return skipped(plan, "alias_already_applied");
        }
        if (client.findByExternalId(plan.userId()) != null) {
            // Wootric has no merge: two end users would end up with one external id
            return skipped(plan, "alias_target_exists");
        }
        Map<String, String> form = Map.of("external_id", plan.userId());
        if (!client.update(previous.id(), form)) {
            throw gone(false, "PUT /v1/end_users/{id}");
        }
        cache.remove(plan.previousId());
        cache.put(plan.userId(), previous.with(form));
        metrics.delivered(plan.eventType());
        return Result.DELIVERED;
    }

    private Result skipped(WootricPlan plan, String reason) {
        metrics.skipped(plan.eventType(), reason);
        return Result.skipped(reason);
    }

    private RuntimeException gone(boolean remembered, String operation) {
        if (remembered) {
            return new StaleEndUser();
        }
        return new TransientFailure("end_user_gone", "the end user disappeared during delivery", 404, null, operation, null);
    }
}
