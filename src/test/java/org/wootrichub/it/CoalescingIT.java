package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wootrichub.it.CoalescingStubs.identify;
import static org.wootrichub.it.CoalescingStubs.page;
import static org.wootrichub.it.CoalescingStubs.response;
import static org.wootrichub.it.CoalescingStubs.track;
import static org.wootrichub.it.CoalescingStubs.updates;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Coalescing and the two budget lanes, against the packaged hub: a user's property-only changes are merged and sent
 * as one update that ends with the last values; survey data carries (or follows) the user's pending change; under a
 * saturated budget a response overtakes the queued property updates of other users. Budget: 6 calls per 2 s window,
 * 20% reserve (property updates take at most 4 of them).
 */
class CoalescingIT extends SharedHubIT {

    @BeforeAll
    static void start() throws Exception {
        startHub("coalescing", Map.of("WOOTRIC_COALESCE_ENABLED", "true", "WOOTRIC_COALESCE_QUIET", "1s",
                "WOOTRIC_RATE_LIMIT_PER_MINUTE", "6", "WOOTRIC_RATE_LIMIT_WINDOW", "2s"));
    }

    @BeforeEach
    void stubs() {
        CoalescingStubs.knowEveryUser(wootric);
    }

    @Test
    void interleavedPageIdentifyAndTrackEventsEndAsTheLastValuesInFewerCalls() throws Exception {
        String user = "mix-1";
        List<String[]> events = List.of(new String[] {"/v1/page", page(user, "A")},
                new String[] {"/v1/identify", identify(user, "\"plan\":\"free\"")},
                new String[] {"/v1/track", track(user, "Clicked")},
                new String[] {"/v1/page", page(user, "B")},
                new String[] {"/v1/identify", identify(user, "\"plan\":\"pro\",\"seats\":3")},
                new String[] {"/v1/track", track(user, "Bought")});
        for (String[] event : events) {
            assertThat(ingress.post(event[0], "test-key", event[1]).statusCode()).isEqualTo(200);
        }
        Map<String, String> last = Map.of("page_name", "B", "page_path", "/B", "plan", "pro", "seats", "3", "custom_event_name", "Bought");
        await().atMost(Duration.ofSeconds(30)).until(() -> wootric.propertiesOf(user).entrySet().containsAll(last.entrySet()));
        Thread.sleep(1500);
        assertThat(wootric.propertiesOf(user)).containsAllEntriesOf(last);
        assertThat(updates(wootric, user)).as("updates of 6 events").hasSizeLessThan(events.size());
        assertThat(Metrics.value(hub, "hub_coalesce_calls_saved_total")).isPositive();
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.managementUrl() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("hub_coalesce_pending_users", "hub_coalesce_oldest_pending_age_seconds", "hub_budget_used",
                "hub_budget_left", "hub_budget_paused_until_seconds", "hub_lane_depth{", "hub_coalesce_events_total{");
    }

    @Test
    void aResponseCarriesTheUsersPendingPropertiesAndTheyAreNotSentAgain() throws Exception {
        String user = "carry-1";
        assertThat(ingress.post("/v1/identify", "test-key", identify(user, "\"plan\":\"gold\"")).statusCode()).isEqualTo(200);
        assertThat(ingress.post("/v1/track", "test-key", response(user, 9)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !wootric.requests("POST", "/v1/end_users/" + user + "/responses").isEmpty());
        LoggedRequest posted = wootric.requests("POST", "/v1/end_users/" + user + "/responses").get(0);
        assertThat(WootricFake.form(posted)).containsEntry("score", "9").containsEntry("end_user[properties][plan]", "gold");
        Thread.sleep(2500);
        assertThat(updates(wootric, user)).as("the carried change is not sent again").isEmpty();
    }

    @Test
    void aResponseFollowsTheUsersPendingChangeWhenItIsMoreThanProperties() throws Exception {
        String user = "follow-1";
        assertThat(ingress.post("/v1/identify", "test-key", identify(user, "\"plan\":\"gold\",\"phone\":\"+100200\"")).statusCode())
                .isEqualTo(200);
        assertThat(ingress.post("/v1/track", "test-key", response(user, 7)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !wootric.requests("POST", "/v1/end_users/" + user + "/responses").isEmpty());
        LoggedRequest posted = wootric.requests("POST", "/v1/end_users/" + user + "/responses").get(0);
        List<LoggedRequest> put = updates(wootric, user);
        assertThat(put).hasSize(1);
        assertThat(WootricFake.form(put.get(0))).containsEntry("phone_number", "+100200").containsEntry("properties[plan]", "gold");
        assertThat(put.get(0).getLoggedDate()).isBeforeOrEqualTo(posted.getLoggedDate());
        Thread.sleep(2500);
        assertThat(updates(wootric, user)).as("sent once").hasSize(1);
    }

    @Test
    void underASaturatedBudgetAResponseOvertakesQueuedPropertyUpdatesOfOtherUsers() throws Exception {
        int users = 12;
        for (int i = 0; i < users; i++) {
            assertThat(ingress.post("/v1/page", "test-key", page("busy-" + i, "P" + i)).statusCode()).isEqualTo(200);
        }
        // every busy user's change is due: they wait for the property lane (2 calls each, at most 4 per 2 s)
        Thread.sleep(1500);
        long posted = System.currentTimeMillis();
        assertThat(ingress.post("/v1/track", "test-key", response("resp-1", 10)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (int i = 0; i < users; i++) {
                if (!("P" + i).equals(wootric.propertiesOf("busy-" + i).get("page_name"))) {
                    return false;
                }
            }
            return true;
        });
        Date answered = wootric.requests("POST", "/v1/end_users/resp-1/responses").get(0).getLoggedDate();
        Date lastUpdate = null;
        for (int i = 0; i < users; i++) {
            for (LoggedRequest r : updates(wootric, "busy-" + i)) {
                lastUpdate = lastUpdate == null || r.getLoggedDate().after(lastUpdate) ? r.getLoggedDate() : lastUpdate;
            }
        }
        assertThat(answered).as("the response went before the queued updates were done").isBefore(lastUpdate);
        assertThat(answered.getTime() - posted).as("response latency (ms)").isLessThan(8_000);
    }
}
