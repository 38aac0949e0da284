package org.wootrichub.delivery;

import org.wootrichub.wootric.TransientFailure;
import java.util.Map;
import org.wootrichub.observe.HubMetrics;
import org.wootrichub.mapping.WootricPlan.AliasPlan;
import org.wootrichub.mapping.WootricPlan.EndUserPlan;
import org.wootrichub.mapping.WootricPlan.Skip;
import org.wootrichub.mapping.EndUserCall;
import org.wootrichub.mapping.EndUserKey;
import org.wootrichub.mapping.EndUserProfile;
import org.wootrichub.mapping.WootricPlan;
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

    public void execute(WootricPlan plan) {
        if (plan instanceof Skip skip) {
            metrics.skipped(skip.eventType(), skip.reason());
        } else if (plan instanceof AliasPlan alias) {
            alias(alias);
        } else if (plan instanceof EndUserPlan endUserPlan) {
            boolean delivered;
            try {
                delivered = run(endUserPlan, true);
            } catch (StaleEndUser stale) {
                cache.remove(endUserPlan.key().userKey());
                delivered = run(endUserPlan, false);
            }
            if (delivered) {
                metrics.delivered(plan.eventType());
            }
        }
    }

    /** @return false when the plan was skipped because the end user could not be resolved */
    private boolean run(EndUserPlan plan, boolean useCache) {
        EndUserKey key = plan.key();
        EndUser remembered = useCache ? cache.get(key.userKey()) : null;
        EndUser user = remembered != null ? remembered : lookup(key);
        if (user == null) {
            if (plan.profile() == null || plan.profile().email() == null) {
                if (plan.skipReasonWhenUnresolved() != null) {
                    metrics.skipped(plan.eventType(), plan.skipReasonWhenUnresolved());
                    return false;
                }
                throw PermanentFailure.of("end_user_not_found",
                        "no Wootric end user matches the event and it carries no email to create one");
            }
            user = createOrRecover(plan);
        } else if (plan.updateExisting() && plan.profile() != null) {
            user = update(user, plan.profile(), remembered != null);
        }
        for (EndUserCall call : plan.calls()) {
            if (!client.callOn(user.id(), call.method(), call.subPath(), call.form())) {
                throw gone(remembered != null, call.method() + " /v1/end_users/{id}" + call.subPath());
            }
            user = user.with(endUserProperties(call.form()));
        }
        cache.put(key.userKey(), user);
        return true;
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

    private EndUser createOrRecover(EndUserPlan plan) {
        EndUserProfile profile = plan.profile();
        Map<String, String> form = profile.createForm();
        EndUser created = client.create(form);
        if (created != null) {
            // what we sent is what it holds now, whatever the create answer echoes
            return new EndUser(created.id(), profile.email(), profile.externalId(), Map.of(), true).with(form);
        }
        // Another writer created the same email between our lookup and our create: update that end user instead.
        EndUser existing = client.findByEmail(profile.email());
        if (existing == null) {
            throw new TransientFailure("email_taken_not_found", "Wootric says the email is taken but the lookup finds nobody",
                    422, null, "GET /v1/end_users/{id}", null);
        }
        return update(existing, profile, false);
    }

    private EndUser update(EndUser user, EndUserProfile profile, boolean remembered) {
        EndUser current = user;
        if (!current.propertiesKnown() && !profile.properties().isEmpty()) {
            // the remembered properties are too old to merge into: read the current set first
            current = client.findById(user.id());
            if (current == null) {
                throw gone(remembered, "GET /v1/end_users/{id}");
            }
        }
        Map<String, String> form = profile.updateForm(current);
        if (!client.update(current.id(), form)) {
            throw gone(remembered, "PUT /v1/end_users/{id}");
        }
        return current.with(form);
    }

    private void alias(AliasPlan plan) {
        EndUser previous = client.findByExternalId(plan.previousId());
        if (previous == null) {
            metrics.skipped(plan.eventType(), "alias_previous_not_found");
            return;
        }
        if (plan.userId().equals(previous.externalId())) {
            metrics.skipped(plan.eventType(), "alias_already_applied");
            return;
        }
        if (client.findByExternalId(plan.userId()) != null) {
            // Wootric has no merge: two end users would end up with one external id
            metrics.skipped(plan.eventType(), "alias_target_exists");
            return;
        }
        Map<String, String> form = Map.of("external_id", plan.userId());
        if (!client.update(previous.id(), form)) {
            throw gone(false, "PUT /v1/end_users/{id}");
        }
        cache.remove(plan.previousId());
        cache.put(plan.userId(), previous.with(form));
        metrics.delivered(plan.eventType());
    }

    private RuntimeException gone(boolean remembered, String operation) {
        if (remembered) {
            return new StaleEndUser();
        }
        return new TransientFailure("end_user_gone", "the end user disappeared during delivery", 404, null, operation, null);
    }

    /** end_user[properties][k] fields of a response or decline, as properties[k], to keep the remembered set right. */
    private static Map<String, String> endUserProperties(Map<String, String> form) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        form.forEach((k, v) -> {
            if (k.startsWith("end_user[properties][") && k.endsWith("]")) {
                properties.put("properties[" + k.substring(21, k.length() - 1) + "]", v);
            }
        });
        return properties;
    }
}
