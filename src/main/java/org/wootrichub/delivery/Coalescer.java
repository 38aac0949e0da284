package org.wootrichub.delivery;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.HubHeaders;
import org.wootrichub.mapping.WootricPlan;
import org.wootrichub.mapping.WootricPlan.EndUserPlan;
import org.wootrichub.observe.HubMetrics;

/**
 * The dispatch route's coalescing step, between the transformer and the delivery. A property-only event (identify,
 * page, screen, group, other track events) is merged into its user's pending change, which the route writes to the
 * pending queue in the transaction that consumes the event; the {@link PendingFlusher} sends it later, within the
 * budget left by survey data. Survey data (responses, declines, triggers) of a user with a pending change carries it
 * (or sends it first), and so does an identify that may create a new end user, which is never held back.
 */
public class Coalescer {

    private static final Logger LOG = LoggerFactory.getLogger(Coalescer.class);

    /** How long survey data waits for a flush of its user's pending change that is under way. */
    static final Duration FLUSH_WAIT = Duration.ofSeconds(10);

    /** The pending change a delivery carries, and the calls that saves. */
    public record Carried(PendingChange change, int callsSaved) {
    }

    private final boolean enabled;
    private final PendingChanges pending;
    private final PendingStore store;
    private final EndUserCache cache;
    private final HubMetrics metrics;
    private final LongSupplier clock;

    public Coalescer(boolean enabled, PendingChanges pending, PendingStore store, EndUserCache cache, HubMetrics metrics,
            LongSupplier clock) {
        this.enabled = enabled;
        this.pending = pending;
        this.store = store;
        this.cache = cache;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void admit(Exchange exchange) throws InterruptedException {
        if (!enabled || !(exchange.getProperty(HubHeaders.WOOTRIC_PLAN) instanceof EndUserPlan plan) || plan.key().userKey() == null) {
            return;
        }
        String user = plan.key().userKey();
        adopt(user);
        long now = clock.getAsLong();
        if (propertyOnly(plan) && !mayCreateEndUser(plan)) {
            PendingChange merged = pending.merge(PendingChange.of(plan, now));
            exchange.setProperty(HubHeaders.COALESCED, true);
            exchange.setProperty(HubHeaders.PENDING_CHANGE, merged);
            metrics.coalesced(plan.eventType());
            return;
        }
        PendingChange carried = pending.claimForCarry(user, FLUSH_WAIT);
        if (carried == null) {
            return;
        }
        WootricPlan withPending;
        int saved;
        if (propertyOnly(plan)) {
            withPending = carried.followedBy(plan, now);
            saved = carried.eventCount();
        } else {
            withPending = carried.carriedBy(plan);
            saved = carried.eventCount() - (((EndUserPlan) withPending).updateExisting() && !plan.updateExisting() ? 1 : 0);
        }
        exchange.setProperty(HubHeaders.WOOTRIC_PLAN, withPending);
        exchange.setProperty(HubHeaders.CARRIED_CHANGE, new Carried(carried, saved));
    }

    /**
     * A wake-up from a {@link PendingSweep}: this instance now receives the user's events, so it sends the user's
     * change (the wake-up's body). If the broker holds a newer one by then, the flusher finds that out and forgets
     * this one; the next sweep wakes the newer one.
     */
    public void wake(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (!enabled || body == null || body.isEmpty()) {
            return;
        }
        try {
            // a change this instance holds already stays: restore only fills a user without one
            pending.restore(PendingChange.fromJson(body));
        } catch (IllegalArgumentException e) {
            // not worth a dead letter: the change itself stays on the pending queue, and the next sweep wakes it again
            LOG.warn("A pending-change wake-up could not be read ({}); ignored", e.getMessage());
        }
    }

    /**
     * Reads the user's pending change from the broker when this instance does not hold it: it may be new to the user
     * (a restart, or the user's message group taken over from an instance that stopped).
     */
    private void adopt(String user) {
        if (!pending.has(user)) {
            PendingChange stored = store.find(user);
            if (stored != null) {
                pending.restore(stored);
            }
        }
    }

    /** The pending queue's message of a coalesced event: the user's merged change, keyed by the user. */
    public void toPendingMessage(Exchange exchange) {
        PendingChange change = exchange.getProperty(HubHeaders.PENDING_CHANGE, PendingChange.class);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(HubHeaders.USER_KEY, change.userKey());
        message.setHeader(HubHeaders.CHANGE_ID, change.changeId());
        message.setBody(change.toJson());
    }

    /** After a delivery that carried the user's pending change: it is sent, so it is no longer pending. */
    public void carried(Exchange exchange) {
        Carried carried = exchange.getProperty(HubHeaders.CARRIED_CHANGE, Carried.class);
        store.remove(carried.change());
        pending.done(carried.change());
        carried.change().events().forEach((type, count) -> metrics.delivered(type, count));
        metrics.callsSaved(carried.callsSaved());
    }

    /** Identify, page, screen, group and other track events: they only change the end user's fields and properties. */
    static boolean propertyOnly(EndUserPlan plan) {
        return plan.updateExisting() && plan.calls().isEmpty() && plan.profile() != null;
    }

    /** An identify with an email for a user this hub does not know yet may create the end user: it goes now. */
    private boolean mayCreateEndUser(EndUserPlan plan) {
        return "identify".equals(plan.eventType()) && plan.profile().email() != null && cache.get(plan.key().userKey()) == null;
    }
}
