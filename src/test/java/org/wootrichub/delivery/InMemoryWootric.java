package org.wootrichub.delivery;

import org.wootrichub.wootric.WootricAnswer;
import org.wootrichub.it.HubDefaults;
import org.wootrichub.wootric.WootricEndpoints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.wootric.WootricTransport;

/**
 * A Wootric that keeps end users in memory the way Wootric does (ids, external ids, emails, properties), for
 * table-driven tests of transformer and executor together. It records every API request it answers.
 */
public final class InMemoryWootric implements WootricTransport {

    public static final String BASE = "http://wootric.test";

    /** One API request: method, path below the host with its query, and the decoded form. */
    public record Recorded(String method, String path, Map<String, String> form) {
    }

    private final Map<String, ObjectNode> users = new LinkedHashMap<>();
    private final List<Recorded> requests = new ArrayList<>();
    private final List<JsonNode> racing = new ArrayList<>();
    private int nextId = 1000;
    private int tokens;
    private String lookupMiss = "404";
    private String takenShape = "errors-array";

    /**
     * How a lookup that finds nobody is answered: "404" (default), "error_list" (200 with {"error_list": [...]}) or
     * "empty_array" (200 with []).
     */
    public void lookupMissAnswer(String shape) {
        lookupMiss = shape;
    }

    /**
     * The shape of a 422 "already been taken" answer, as Rails writes it: "errors-array" (default,
     * {"errors": ["Email has already been taken"]}), "errors-object" ({"errors": {"email": ["has already been
     * taken"]}}), "fields" ({"email": ["has already been taken"]}) or "text" (Validation failed: Email has ...).
     */
    public void takenAnswer(String shape) {
        takenShape = shape;
    }

    public static WootricEndpoints endpoints() {
        return WootricEndpoints.of(BASE, "NPS-test", HubDefaults.wootricHosts());
    }

    public void add(JsonNode user) {
        ObjectNode copy = user.deepCopy();
        if (!copy.has("properties")) {
            copy.putObject("properties");
        }
        users.put(copy.get("id").asText(), copy);
    }

    /**
     * An end user that another writer creates right after the hub's next lookup by email misses: the next create
     * with that email then fails with "Email has already been taken" (the race the hub must recover from).
     */
    public void addWhenEmailLookupMisses(JsonNode user) {
        racing.add(user);
    }

    /** Forgets an end user, as when it is deleted in Wootric behind the hub's back. */
    public void remove(String id) {
        users.remove(id);
    }

    /** The end user Wootric holds under this id, or null. */
    public JsonNode get(String id) {
        return users.get(id);
    }

    public List<Recorded> requests() {
        return requests;
    }

    public int tokensIssued() {
        return tokens;
    }

    @Override
    public WootricAnswer send(String method, String url, String query, String formBody, String bearer, boolean apiCall) {
        if (!apiCall) {
            tokens++;
            return new WootricAnswer(200, "{\"access_token\":\"t" + tokens + "\",\"expires_in\":7200}", Map.of());
        }
        String path = url.substring(BASE.length());
        Map<String, String> form = decode(formBody);
        requests.add(new Recorded(method, query == null ? path : path + "?" + query, form));
        String[] parts = path.split("/");
        // parts: "", "v1", "end_users", {id}, {sub}
        if (method.equals("POST") && parts.length == 3) {
            return create(form);
        }
        String target = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
        ObjectNode user = query == null ? users.get(target)
                : query.startsWith("lookup_by_external_id") ? find("external_id", target) : find("email", target);
        if (user == null) {
            if (query != null && query.startsWith("lookup_by_email") && !racing.isEmpty()) {
                racing.forEach(this::add);
                racing.clear();
            }
            if (query != null && lookupMiss.equals("error_list")) {
                return new WootricAnswer(200, "{\"error_list\":[{\"message\":\"End user not found\"}]}", Map.of());
            }
            if (query != null && lookupMiss.equals("empty_array")) {
                return new WootricAnswer(200, "[]", Map.of());
            }
            return new WootricAnswer(404, "{\"error\":\"not found\"}", Map.of());
        }
        if (parts.length == 4 && method.equals("GET")) {
            return ok(200, user);
        }
        if (parts.length == 4 && method.equals("PUT")) {
            WootricAnswer taken = taken(form, user);
            if (taken != null) {
                return taken;
            }
            apply(user, form);
            return ok(200, user);
        }
        return new WootricAnswer(201, "{\"id\":" + (nextId++) + "}", Map.of());
    }

    private WootricAnswer create(Map<String, String> form) {
        WootricAnswer taken = taken(form, null);
        if (taken != null) {
            return taken;
        }
        ObjectNode user = SegmentJson.MAPPER.createObjectNode().put("id", Integer.toString(nextId++));
        user.putObject("properties");
        apply(user, form);
        users.put(user.get("id").asText(), user);
        return ok(201, user);
    }

    private static void apply(ObjectNode user, Map<String, String> form) {
        ObjectNode properties = (ObjectNode) user.get("properties");
        form.forEach((k, v) -> {
            if (k.startsWith("properties[")) {
                properties.put(k.substring(11, k.length() - 1), v);
            } else {
                user.put(k, v);
            }
        });
    }

    /** Wootric's 422 when a unique field of the form is held by another end user than {@code self}; else null. */
    private WootricAnswer taken(Map<String, String> form, ObjectNode self) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("email", "Email");
        labels.put("external_id", "External");
        labels.put("phone_number", "Phone number");
        List<String> taken = new ArrayList<>();
        labels.forEach((field, label) -> {
            ObjectNode holder = form.get(field) == null ? null : find(field, form.get(field));
            if (holder != null && holder != self) {
                taken.add(field);
            }
        });
        if (taken.isEmpty()) {
            return null;
        }
        String body = switch (takenShape) {
            case "errors-object" -> "{\"errors\":{" + String.join(",", taken.stream().map(f -> "\"" + f + "\":[\"has already been taken\"]").toList()) + "}}";
            case "fields" -> "{" + String.join(",", taken.stream().map(f -> "\"" + f + "\":[\"has already been taken\"]").toList()) + "}";
            case "text" -> "Validation failed: " + String.join(", ", taken.stream().map(f -> labels.get(f) + " has already been taken").toList());
            default -> "{\"errors\":[" + String.join(",", taken.stream().map(f -> "\"" + labels.get(f) + " has already been taken\"").toList()) + "]}";
        };
        return new WootricAnswer(422, body, Map.of());
    }

    private ObjectNode find(String field, String value) {
        return users.values().stream().filter(u -> value.equals(SegmentJson.text(u, field))).findFirst().orElse(null);
    }

    private static WootricAnswer ok(int status, ObjectNode user) {
        return new WootricAnswer(status, SegmentJson.write(user), Map.of());
    }

    static Map<String, String> decode(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
