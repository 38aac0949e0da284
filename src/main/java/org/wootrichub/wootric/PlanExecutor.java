package org.wootrichub.wootric;

import org.wootrichub.observe.HubMetrics;

/**
 * Runs a {@link WootricPlan}: resolves the end user (remembered id, Wootric id, external id, email), creates it
 * when unknown and the event carries an email (recovering from the "already been taken" race), updates it with the
 * merged property set, then makes the plan's calls on it.
 */
public class PlanExecutor {

    private final WootricClient client;
    private final EndUserIdCache ids;
    private final HubMetrics metrics;

    public PlanExecutor(WootricClient client, EndUserIdCache ids, HubMetrics metrics) {
        this.client = client;
        this.ids = ids;
        this.metrics = metrics;
    }

    public void execute(WootricPlan plan) {
        EndUserKey key = plan.key();
        EndUser user = resolve(key);
        if (user == null) {
            user = createOrRecover(plan);
        } else if (plan.updateExisting()) {
            update(user, plan);
        }
        ids.put(key.userKey(), user.id());
        for (EndUserCall call : plan.calls()) {
            if (!client.callOn(user.id(), call.method(), call.subPath(), call.form())) {
                ids.remove(key.userKey());
                throw new TransientFailure("end_user_gone", "the end user disappeared during delivery", 404, null,
                        call.method() + " /v1/end_users/{id}" + call.subPath(), null);
            }
        }
        metrics.delivered(plan.eventType());
    }

    EndUser resolve(EndUserKey key) {
        String remembered = ids.get(key.userKey());
        if (remembered != null) {
            EndUser user = client.findById(remembered);
            if (user != null) {
                return user;
            }
            ids.remove(key.userKey());
        }
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

    private EndUser createOrRecover(WootricPlan plan) {
        EndUserProfile profile = plan.profile();
        if (profile == null || profile.email() == null) {
            throw PermanentFailure.of("end_user_not_found",
                    "no Wootric end user matches the event and it carries no email to create one");
        }
        EndUser created = client.create(profile.createForm());
        if (created != null) {
            return created;
        }
        // Another writer created the same email between our lookup and our create: update that end user instead.
        EndUser existing = client.findByEmail(profile.email());
        if (existing == null) {
            throw new TransientFailure("email_taken_not_found", "Wootric says the email is taken but the lookup finds nobody",
                    422, null, "GET /v1/end_users/{id}", null);
        }
        update(existing, plan);
        return existing;
    }

    private void update(EndUser user, WootricPlan plan) {
        if (plan.profile() == null) {
            return;
        }
        if (!client.update(user.id(), plan.profile().updateForm(user))) {
            ids.remove(plan.key().userKey());
            throw new TransientFailure("end_user_gone", "the end user disappeared during the update", 404, null,
                    "PUT /v1/end_users/{id}", null);
        }
    }
}
