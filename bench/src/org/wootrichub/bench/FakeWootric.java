package org.wootrichub.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Wootric that answers at once and keeps end users like Wootric does (by id, external id, email), with no rate
 * limit. It counts calls by kind and records, for requests that carry a bench timestamp, the delivery latency.
 */
final class FakeWootric implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final Map<String, Integer> byExternalId = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    final LongAdder delivered = new LongAdder();
    final Histogram latency = new Histogram();
    /** Called with an end user's id and the properties a call set on it (updates, and responses' and declines' end_user[properties]). */
    volatile java.util.function.BiConsumer<String, Map<String, String>> onProperties = (id, properties) -> { };
    /** When each API call came (nanoTime), for the budget check; null when not recorded. */
    volatile java.util.Queue<Long> callTimes;
    final LongAdder declines = new LongAdder();
    /** Per end user, the bench timestamp of the last event delivered: an older one after it is out of order. */
    private final Map<String, Long> lastSentAt = new ConcurrentHashMap<>();
    /** Events that reached Wootric before an event of the same user that was sent before them. */
    final LongAdder outOfOrder = new LongAdder();

    FakeWootric(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Users Wootric already knows: external ids user-0 .. user-(n-1). */
    void preload(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            byExternalId.put(prefix + i, nextId.getAndIncrement());
        }
    }

    void resetCounters() {
        calls.clear();
        lastSentAt.clear();
        outOfOrder.reset();
        delivered.reset();
        latency.reset();
    }

    long calls(String kind) {
        LongAdder a = calls.get(kind);
        return a == null ? 0 : a.sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (path.equals("/oauth/token")) {
            reply(exchange, 200, "{\"access_token\":\"bench\",\"token_type\":\"Bearer\",\"expires_in\":7200}");
            return;
        }
        String[] parts = path.split("/");
        if (method.equals("GET") && parts.length == 4) {
            count("lookup");
            String key = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
            Integer id = query != null && query.startsWith("lookup_by_external_id") ? byExternalId.get(key) : null;
            if (id == null && query == null) {
                id = Integer.valueOf(key);
            }
            if (id == null) {
                reply(exchange, 404, "{}");
            } else {
                reply(exchange, 200, "{\"id\":" + id + ",\"properties\":{}}");
            }
            return;
        }
        Map<String, String> form = form(body);
        if (method.equals("POST") && parts.length == 3) {
            count("create");
            int id = nextId.getAndIncrement();
            String externalId = form.get("external_id");
            if (externalId != null) {
                byExternalId.put(externalId, id);
            }
            done(null, form.get("properties[bench_t]"));
            reply(exchange, 201, "{\"id\":" + id + "}");
            return;
        }
        if (method.equals("PUT") && parts.length == 4) {
            count("update");
            onProperties.accept(parts[3], properties(form, "properties["));
            done(parts[3], form.get("properties[bench_t]"));
            reply(exchange, 200, "{\"id\":" + parts[3] + "}");
            return;
        }
        count(parts.length > 4 ? parts[4] : "other");
        if (parts.length > 4 && parts[4].equals("declines")) {
            declines.increment();
        }
        if (parts.length > 4) {
            onProperties.accept(parts[3], properties(form, "end_user[properties]["));
        }
        done(parts.length > 4 ? parts[3] : null, form.get("text"));
        reply(exchange, 201, "{\"id\":1}");
    }

    /**
     * @param endUserId the end user the call is about, or null (a create): the bench gives each user's events
     *        increasing timestamps, so a timestamp older than the user's last delivered one is an order violation
     */
    private void done(String endUserId, String sentAtNanos) {
        if (sentAtNanos != null) {
            try {
                long sentAt = Long.parseLong(sentAtNanos);
                latency.record(System.nanoTime() - sentAt);
                delivered.increment();
                if (endUserId != null) {
                    lastSentAt.compute(endUserId, (id, last) -> {
                        if (last != null && sentAt < last) {
                            outOfOrder.increment();
                        }
                        return last == null ? sentAt : Math.max(last, sentAt);
                    });
                }
            } catch (NumberFormatException e) {
                // not a bench event
            }
        }
    }

    private void count(String kind) {
        java.util.Queue<Long> times = callTimes;
        if (times != null) {
            times.add(System.nanoTime());
        }
        calls.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private static Map<String, String> properties(Map<String, String> form, String prefix) {
        Map<String, String> properties = new java.util.HashMap<>();
        form.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.endsWith("]")) {
                properties.put(k.substring(prefix.length(), k.length() - 1), v);
            }
        });
        return properties;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new java.util.HashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
