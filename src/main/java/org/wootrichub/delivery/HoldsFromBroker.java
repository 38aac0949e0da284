package org.wootrichub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.BrokerManagement;
import org.wootrichub.broker.ParkedEvents;

/**
 * Rebuilds {@link UserHolds} from the parked events on the broker, which outlive any hub instance: at start from all
 * of them, and then every {@code hub.holds.refresh} from those not yet due, because this instance may have taken over
 * the message groups of an instance that died with users held. Their parked events are on the broker; their holds
 * were only in the dead instance's memory.
 */
public class HoldsFromBroker extends PeriodicService {

    private static final Logger LOG = LoggerFactory.getLogger(HoldsFromBroker.class);

    /**
     * A parked event due this soon may have fired and been delivered by the time the list is merged; a hold for it
     * would never end here. Such an event is left out of a refresh (a user's new event may pass it in this window).
     */
    static final Duration DUE_TOO_SOON = Duration.ofSeconds(2);

    private final UserHolds holds;
    private final BrokerManagement broker;
    private final String queue;
    private final long limit;
    private final Duration every;
    private final LongSupplier clock;

    /**
     * @param limit at most this many parked events are read (listing more would take more memory than the hub has)
     * @param every how often the holds are refreshed; zero turns the refresh off
     */
    public HoldsFromBroker(UserHolds holds, BrokerManagement broker, String queue, long limit, Duration every, LongSupplier clock) {
        super("hub-holds-refresh", every);
        this.holds = holds;
        this.broker = broker;
        this.queue = queue;
        this.limit = limit;
        this.every = every;
        this.clock = clock;
    }

    /** At start, before the first event is dispatched: the holds of every parked event. */
    public void restoreAll() {
        try {
            List<ParkedEvents.Parked> parked = listWithinLimit();
            if (parked == null) {
                LOG.warn("More parked events than hub.holds.restore-limit ({}): user holds are not restored; a held user's new "
                        + "events may pass its parked ones", limit);
                return;
            }
            parked.forEach(this::restore);
            if (!parked.isEmpty()) {
                LOG.info("Restored the holds of {} users from {} parked events", holds.size(), parked.size());
            }
        } catch (Exception e) {
            LOG.warn("Could not read the parked events to restore user holds ({}); order across parking is kept from now on",
                    e.getMessage());
        }
    }

    /** Merges the parked events not yet due into the holds, and ends the holds whose parked events are all gone. */
    void refresh() {
        try {
            List<ParkedEvents.Parked> parked = listWithinLimit();
            if (parked == null) {
                LOG.debug("More parked events than hub.holds.restore-limit: holds not refreshed");
                return;
            }
            long now = clock.getAsLong();
            Set<String> users = new HashSet<>();
            int merged = 0;
            for (ParkedEvents.Parked event : parked) {
                users.add(event.userKey());
                if (event.round() > now + DUE_TOO_SOON.toMillis() && restore(event)) {
                    merged++;
                }
            }
            int ended = holds.endHoldsWithoutParkedEvents(users, now - every.toMillis());
            if (merged > 0 || ended > 0) {
                LOG.info("Holds refreshed from the broker: {} parked events new to this instance, {} holds ended", merged, ended);
            }
        } catch (Exception e) {
            LOG.warn("Could not read the parked events to refresh user holds ({})", e.toString());
        }
    }

    /** The parked events, none without asking for the list when the broker counts none, or null past the limit. */
    private List<ParkedEvents.Parked> listWithinLimit() throws Exception {
        long count = ParkedEvents.count(broker, queue);
        if (count == 0) {
            return List.of();
        }
        return count > limit ? null : ParkedEvents.list(broker, queue);
    }

    private boolean restore(ParkedEvents.Parked event) {
        Instant firstFailure = event.firstFailure() == null ? null : Instant.parse(event.firstFailure());
        return holds.restore(event.userKey(), event.seq(), event.round(), firstFailure);
    }

    @Override
    protected void runPeriodically() {
        refresh();
    }
}
