package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.wootrichub.mapping.EndUserCall;
import org.wootrichub.mapping.EndUserKey;
import org.wootrichub.mapping.EndUserProfile;
import org.wootrichub.mapping.WootricPlan.EndUserPlan;

/** The merge of a user's pending changes: in accepted order, the later value wins per property and per field. */
class PendingChangeTest {

    /** One property-only event: its type and properties ("k=v", "k=" for null: the trait cleared). */
    private static EndUserPlan event(String type, String... properties) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String p : properties) {
            String[] kv = p.split("=", -1);
            props.put(kv[0], kv[1].isEmpty() ? null : kv[1]);
        }
        boolean identify = type.equals("identify");
        return new EndUserPlan(type, new EndUserKey("u1", null, "u1", null),
                new EndUserProfile(null, "u1", null, null, props, identify), true, List.of(), type.equals("page") ? "anonymous" : null);
    }

    static Stream<Arguments> merges() {
        return Stream.of(
                Arguments.of("later value wins", List.of(event("identify", "plan=free"), event("identify", "plan=pro")),
                        Map.of("plan", "pro")),
                Arguments.of("different properties add up", List.of(event("page", "page_name=Home"), event("track", "custom_event_name=Clicked")),
                        Map.of("page_name", "Home", "custom_event_name", "Clicked")),
                Arguments.of("page, identify and track interleaved", List.of(event("page", "page_name=A", "page_url=/a"),
                        event("identify", "plan=free"), event("track", "custom_event_name=X"), event("page", "page_name=B"),
                        event("identify", "plan=pro", "seats=3"), event("track", "custom_event_name=Y")),
                        Map.of("page_name", "B", "page_url", "/a", "plan", "pro", "seats", "3", "custom_event_name", "Y")),
                Arguments.of("a cleared trait stays cleared (null) until set again", List.of(event("identify", "plan=pro"),
                        event("identify", "plan=")), nullable("plan", null)),
                Arguments.of("set again after it was cleared", List.of(event("identify", "plan=pro"), event("identify", "plan="),
                        event("identify", "plan=team")), Map.of("plan", "team")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void mergesInAcceptedOrder(String name, List<EndUserPlan> events, Map<String, String> expected) {
        PendingChange merged = null;
        long at = 1_000;
        for (EndUserPlan e : events) {
            PendingChange change = PendingChange.of(e, at++);
            merged = merged == null ? change : merged.merge(change);
        }
        assertThat(merged.properties()).isEqualTo(expected);
        assertThat(merged.eventCount()).isEqualTo(events.size());
        assertThat(merged.firstAt()).isEqualTo(1_000);
        assertThat(merged.lastAt()).isEqualTo(1_000 + events.size() - 1);
        // the JSON written to the pending queue reads back as the same change
        assertThat(PendingChange.fromJson(merged.toJson())).isEqualTo(merged);
    }

    @Test
    void anIdentifysEmailIsKeptAndTheLatestFieldsWin() {
        EndUserPlan identify = new EndUserPlan("identify", new EndUserKey("u1", null, "u1", "a@x.com"),
                new EndUserProfile("a@x.com", "u1", 100L, "111", Map.of(), true), true, List.of(), null);
        EndUserPlan track = new EndUserPlan("track", new EndUserKey("u1", null, "u1", "invitee@x.com"),
                new EndUserProfile("invitee@x.com", "u1", null, null, Map.of("custom_event_name", "Invited"), false), true, List.of(), null);
        PendingChange merged = PendingChange.of(identify, 1).merge(PendingChange.of(track, 2));
        assertThat(merged.email()).isEqualTo("a@x.com");
        assertThat(merged.updatesEmail()).isTrue();
        assertThat(merged.externalCreatedAt()).isEqualTo(100L);
        assertThat(merged.onlyProperties()).isFalse();
        assertThat(merged.plan().eventType()).isEqualTo("identify");
        assertThat(merged.plan().updateExisting()).isTrue();
    }

    @Test
    void aResponseCarriesThePendingPropertiesUnderItsOwnTraits() {
        PendingChange pending = PendingChange.of(event("page", "page_name=Pricing", "plan=free"), 1);
        EndUserPlan response = new EndUserPlan("track", new EndUserKey("u1", null, "u1", null), null, false,
                List.of(new EndUserCall("POST", "/responses", Map.of("score", "9"), Map.of("plan", "pro"))), null);
        EndUserPlan carried = pending.carriedBy(response);
        assertThat(carried.updateExisting()).isFalse();
        assertThat(carried.calls()).singleElement().satisfies(call -> assertThat(call.endUserProperties())
                .isEqualTo(Map.of("page_name", "Pricing", "plan", "pro")));
    }

    @Test
    void aChangeOfMoreThanPropertiesIsSentBeforeTheResponse() {
        EndUserPlan identify = new EndUserPlan("identify", new EndUserKey("u1", null, "u1", null),
                new EndUserProfile("a@x.com", "u1", null, null, Map.of("plan", "pro"), true), true, List.of(), null);
        EndUserPlan response = new EndUserPlan("track", new EndUserKey("u1", null, "u1", null), null, false,
                List.of(new EndUserCall("POST", "/responses", Map.of("score", "9"), Map.of())), null);
        EndUserPlan first = PendingChange.of(identify, 1).carriedBy(response);
        assertThat(first.updateExisting()).isTrue();
        assertThat(first.profile().email()).isEqualTo("a@x.com");
        assertThat(first.profile().properties()).isEqualTo(Map.of("plan", "pro"));
        assertThat(first.calls()).isEqualTo(response.calls());
    }

    private static Map<String, String> nullable(String key, String value) {
        Map<String, String> map = new HashMap<>();
        map.put(key, value);
        return map;
    }

}
