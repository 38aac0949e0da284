package org.wootrichub.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** WireMock playing Wootric: an OAuth token endpoint that hands out a fresh token per call, and helpers. */
public final class WootricFake implements AutoCloseable {

    public final WireMockServer server;

    public WootricFake() {
        this(0);
    }

    public WootricFake(int port) {
        server = new WireMockServer(options().port(port).templatingEnabled(true).globalTemplating(false));
        server.start();
        stubToken();
    }

    public void stubToken() {
        server.stubFor(post(urlPathEqualTo("/oauth/token")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"tok-{{randomValue length=12 type='ALPHANUMERIC'}}\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":7200,\"scope\":\"public\"}")
                .withTransformers("response-template")));
    }

    /** An end user Wootric knows, with no properties: found by its external id and by its id. */
    public void knownUser(String userId, int id) {
        String json = "{\"id\":" + id + ",\"external_id\":\"" + userId + "\",\"properties\":{}}";
        server.stubFor(get(urlEqualTo("/v1/end_users/" + userId + "?lookup_by_external_id=true"))
                .willReturn(okJson(json)));
        server.stubFor(get(urlEqualTo("/v1/end_users/" + id))
                .willReturn(okJson(json)));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Every request the fake received whose URL starts with the prefix, oldest first. */
    public List<LoggedRequest> requests(String method, String urlPrefix) {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getMethod().value().equals(method) && r.getUrl().startsWith(urlPrefix))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    /**
     * The {@code properties[seq]} of every PUT that Wootric answered 200, by URL (one end user each), in the order
     * they were received: what the ordering tests compare.
     */
    public Map<String, List<Integer>> deliveredSeqs() {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        Map<String, List<Integer>> byUser = new HashMap<>();
        for (ServeEvent e : events) {
            String seq = form(e.getRequest()).get("properties[seq]");
            if (e.getRequest().getMethod().value().equals("PUT") && e.getResponse().getStatus() == 200 && seq != null) {
                byUser.computeIfAbsent(e.getRequest().getUrl(), k -> new ArrayList<>()).add(Integer.valueOf(seq));
            }
        }
        return byUser;
    }

    /**
     * The properties an end user holds after every request the fake received, in the order received: each update
     * ({@code PUT /v1/end_users/ID}) and each response or decline (end_user[properties]) sets the properties it sends.
     */
    public Map<String, String> propertiesOf(String id) {
        Map<String, String> state = new LinkedHashMap<>();
        String path = "/v1/end_users/" + id;
        for (LoggedRequest r : server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl())).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList()) {
            String url = r.getUrl();
            boolean update = r.getMethod().value().equals("PUT") && url.equals(path);
            boolean survey = r.getMethod().value().equals("POST") && (url.equals(path + "/responses") || url.equals(path + "/declines"));
            if (update || survey) {
                String prefix = update ? "properties[" : "end_user[properties][";
                form(r).forEach((k, v) -> {
                    if (k.startsWith(prefix) && k.endsWith("]")) {
                        state.put(k.substring(prefix.length(), k.length() - 1), v);
                    }
                });
            }
        }
        return state;
    }

    /** A form body, decoded, in the order sent. */
    public static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        String body = request.getBodyAsString();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    @Override
    public void close() {
        server.stop();
    }
}
