package org.wootrichub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A parked event written by the previous version (hubHoldSeq, hubHoldDue) keeps its place after an upgrade in place. */
class HubHeadersTest {

    @ParameterizedTest(name = "carried [{0}] -> place read from {1}, round from {2}")
    @CsvSource({
            "'hubHoldPlace,hubHoldRound', hubHoldPlace, hubHoldRound",
            "'hubHoldSeq,hubHoldDue',     hubHoldSeq,   hubHoldDue",
            "'',                          hubHoldPlace, hubHoldRound",
            "'hubHoldPlace,hubHoldSeq,hubHoldRound,hubHoldDue', hubHoldPlace, hubHoldRound"})
    void holdHeadersOfEitherVersionAreRead(String carried, String place, String round) {
        Set<String> names = carried.isEmpty() ? Set.of() : Set.of(carried.split(","));
        assertThat(HubHeaders.holdPlace(names::contains)).isEqualTo(place);
        assertThat(HubHeaders.holdRound(names::contains)).isEqualTo(round);
        assertThat(HubHeaders.holdHeaders()).contains(place, round);
    }
}
