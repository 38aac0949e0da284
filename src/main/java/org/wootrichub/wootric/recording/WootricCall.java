package org.wootrichub.wootric.recording;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.event.SegmentJson;

/**
 * One Wootric request as the outcome log and the preview show it: method, URL, the form sent, the answer's status,
 * whether it was really sent, when and how long it took. Never a secret: the bearer token is not kept at all, and a
 * token request keeps neither its query nor its form (they carry the credentials).
 *
 * @param status the answer's status; 0 when no answer came
 * @param sent false for a request that was only recorded (dry run, preview)
 */
public record WootricCall(String method, String url, Map<String, String> form, int status, boolean sent, Instant at, long millis) {

    /** The call as recorded: a token request without its query and form. */
    static WootricCall of(String method, String url, String query, String formBody, boolean apiCall, int status, boolean sent,
            Instant at, long millis) {
        String shown = apiCall && query != null ? url + "?" + query : url;
        return new WootricCall(method, shown, apiCall ? decode(formBody) : null, status, sent, at, millis);
    }

    public ObjectNode toJson() {
        ObjectNode json = SegmentJson.MAPPER.createObjectNode();
        json.put("method", method).put("url", url);
        if (form != null) {
            ObjectNode fields = json.putObject("form");
            form.forEach(fields::put);
        }
        return json.put("status", status).put("sent", sent).put("at", at.toString()).put("ms", millis);
    }

    private static Map<String, String> decode(String body) {
        if (body == null) {
            return null;
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
