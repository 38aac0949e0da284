package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.wootrichub.broker.HubHeaders;

/** An upgrade in place: events parked by the previous version keep their place and round in the user's hold. */
class ParkingTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final UserHolds holds = new UserHolds(Duration.ofSeconds(1), Duration.ofMinutes(5), now::get);
    private final Parking parking = new Parking(holds);

    @Test
    void anEventParkedWithThePreviousHeaderNamesIsAdmittedInItsPlaceAndReleasesIt() {
        holds.restore("u", 0, 5_000, null);
        holds.restore("u", 1, 5_000, null);
        now.set(5_000);

        Exchange head = parkedByPreviousVersion(0, 5_000);
        parking.admit(head);
        assertThat(head.getProperty(HubHeaders.PARKED_NOW)).as("its round is due: delivered").isNull();
        parking.finished(head);

        Exchange newcomer = event();
        parking.admit(newcomer);
        assertThat(newcomer.getProperty(HubHeaders.PARKED_NOW, Boolean.class)).as("the user is still held by place 1").isTrue();
        assertThat(newcomer.getMessage().getHeader(HubHeaders.HOLD_PLACE)).isEqualTo(2);
        assertThat(newcomer.getMessage().getHeader("hubHoldSeq")).isNull();

        Exchange second = parkedByPreviousVersion(1, 5_000);
        parking.admit(second);
        parking.finished(second);
        assertThat(holds.isHeld("u")).as("place 2 still waits").isTrue();
    }

    @Test
    void reParkingAnOldEventWritesThisVersionsNamesOnly() {
        holds.failed("u", null);
        Exchange old = parkedByPreviousVersion(7, 1);
        Parking.park(old, holds.failed("u", 7));
        assertThat(old.getMessage().getHeaders()).containsKeys(HubHeaders.HOLD_PLACE, HubHeaders.HOLD_ROUND)
                .doesNotContainKeys("hubHoldSeq", "hubHoldDue");
        assertThat(old.getMessage().getHeader(HubHeaders.HOLD_PLACE)).isEqualTo(7);
    }

    @Test
    void anEventThatGoesBackBehindAnEarlierOneGetsANewDuplicateIdAndNoOutcome() {
        UserHolds.Admission headPark = holds.failed("u", null);
        Exchange newcomer = event();
        parking.admit(newcomer);
        String parkedId = newcomer.getMessage().getHeader(HubHeaders.DUPLICATE_ID, String.class);
        assertThat(newcomer.getProperty(HubHeaders.WENT_BEHIND)).isNull();

        // out of the queue before the head, which the broker fires late
        now.set(headPark.round() + 500);
        Exchange out = event();
        out.getMessage().setHeaders(new java.util.HashMap<>(newcomer.getMessage().getHeaders()));
        parking.admit(out);
        assertThat(out.getProperty(HubHeaders.PARKED_NOW, Boolean.class)).isTrue();
        assertThat(out.getProperty(HubHeaders.WENT_BEHIND, Boolean.class)).isTrue();
        // the broker drops a duplicate id, and rolls back the transaction it came in
        assertThat(out.getMessage().getHeader(HubHeaders.DUPLICATE_ID, String.class)).isNotEqualTo(parkedId)
                .startsWith(parkedId.substring(0, parkedId.indexOf('#')));
    }

    @Test
    void aPlaceTakenByAnEventWhoseTransactionRollsBackIsGivenBack() {
        UserHolds.Admission head = holds.failed("u", null);
        Exchange newcomer = event();
        parking.admit(newcomer);
        assertThat(newcomer.getMessage().getHeader(HubHeaders.HOLD_PLACE)).isEqualTo(1);

        // the park's send fails: the transaction rolls back and the event comes back without its place
        newcomer.setException(new IllegalStateException("broker gone"));
        newcomer.getExchangeExtension().handoverCompletions().forEach(sync -> sync.onFailure(newcomer));
        holds.done("u", head.seq());
        assertThat(holds.isHeld("u")).as("no place left behind").isFalse();
    }

    private static Exchange parkedByPreviousVersion(int place, long round) {
        Exchange exchange = event();
        exchange.getMessage().setHeader("hubHoldSeq", place);
        exchange.getMessage().setHeader("hubHoldDue", round);
        return exchange;
    }

    private static Exchange event() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(HubHeaders.USER_KEY, "u");
        exchange.getMessage().setHeader(HubHeaders.DUPLICATE_ID, "m1");
        exchange.getMessage().setBody("{\"type\":\"identify\",\"userId\":\"u\",\"messageId\":\"m1\"}");
        return exchange;
    }
}
