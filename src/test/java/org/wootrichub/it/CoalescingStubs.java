package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * A Wootric fake for the coalescing tests: every user key is a known end user whose Wootric id is the key itself
 * (so /v1/end_users/KEY is both its lookup and its update), with no properties yet.
 */
final class CoalescingStubs {

    private CoalescingStubs() {
    }

    static void knowEveryUser(WootricFake wootric) {
        wootric.server.stubFor(get(urlPathMatching("/v1/end_users/[^/]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"{{request.pathSegments.[2]}}\",\"properties\":{}}").withTransformers("response-template")));
        wootric.server.stubFor(put(urlPathMatching("/v1/end_users/[^/]+")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}")));
        wootric.server.stubFor(post(urlPathMatching("/v1/end_users/[^/]+/(responses|declines)")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":1}")));
    }

    /** The updates (PUT) of one end user, in the order received. */
    static List<LoggedRequest> updates(WootricFake wootric, String key) {
        return wootric.requests("PUT", "/v1/end_users/" + key).stream().filter(r -> r.getUrl().equals("/v1/end_users/" + key)).toList();
    }

    static String identify(String user, String traits) {
        return "{\"userId\":\"" + user + "\",\"traits\":{" + traits + "}}";
    }

    static String page(String user, String name) {
        return "{\"userId\":\"" + user + "\",\"name\":\"" + name + "\",\"properties\":{\"path\":\"/" + name + "\"}}";
    }

    static String track(String user, String event) {
        return "{\"userId\":\"" + user + "\",\"event\":\"" + event + "\"}";
    }

    static String response(String user, int score) {
        return "{\"userId\":\"" + user + "\",\"event\":\"Survey Responded\",\"properties\":{\"score\":" + score + "}}";
    }
}
