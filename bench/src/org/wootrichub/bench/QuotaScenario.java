package org.wootrichub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The quota scenario (issue 9): 300 known users send 50 events/s for 60 s (55% page, 25% other track events, 12%
 * identify, 5% Survey Responded, 3% Survey Declined) to a hub whose budget is 100 calls per 6 s window. Every property
 * value carries the number of its event, so the fake can tell when Wootric holds a value or a later one.
 */
final class QuotaScenario {

    record Result(long events, long calls, double responseP50, double responseP99, double stalenessP50, double stalenessP99,
            long unreachedChanges, double drainSeconds, long usersDiffering, long responses, long responsesSent, long declines,
            long declinesSent, int maxCallsInWindow) {
    }

    /** One property change sent to the hub: user, property, event number, when it was posted. */
    private record Change(String user, String property, long seq, long postedNanos) {
    }

    static final int USERS = 300;
    private static final String PREFIX = "q-";

    private final FakeWootric wootric;
    private final Histogram staleness = new Histogram();
    /** Per user and property, the changes not yet seen at Wootric, oldest first. */
    private final Map<String, List<Change>> waiting = new ConcurrentHashMap<>();
    /** Per user and property, the last value posted. */
    private final Map<String, String> lastSent = new ConcurrentHashMap<>();
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private final AtomicLong declinesSent = new AtomicLong();

    QuotaScenario(FakeWootric wootric) {
        this.wootric = wootric;
        wootric.callTimes = new ConcurrentLinkedQueue<>();
        wootric.onProperties = this::seen;
    }

    Result run(String ingressUrl, String auth, int eventsPerSecond, int seconds, long windowMillis) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        Random random = new Random(9);
        long total = (long) eventsPerSecond * seconds;
        long start = System.nanoTime();
        long responses = 0;
        List<java.util.concurrent.Future<?>> posts = new ArrayList<>();
        for (long n = 0; n < total; n++) {
            long due = start + n * 1_000_000_000L / eventsPerSecond;
            long sleep = due - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            String user = PREFIX + random.nextInt(USERS);
            int kind = random.nextInt(100);
            long seq = n;
            String path;
            String json;
            if (kind < 55) {
                path = "/v1/page";
                json = "{\"userId\":\"" + user + "\",\"name\":\"p" + seq + "\"}";
                expect(user, "page_name", "p" + seq);
            } else if (kind < 80) {
                path = "/v1/track";
                json = "{\"userId\":\"" + user + "\",\"event\":\"E" + seq + "\"}";
                expect(user, "custom_event_name", "E" + seq);
            } else if (kind < 92) {
                path = "/v1/identify";
                json = "{\"userId\":\"" + user + "\",\"traits\":{\"plan\":\"v" + seq + "\"}}";
                expect(user, "plan", "v" + seq);
            } else if (kind < 97) {
                path = "/v1/track";
                json = "{\"userId\":\"" + user + "\",\"event\":\"Survey Responded\",\"properties\":{\"score\":9,\"text\":\"" + System.nanoTime()
                        + "\"}}";
                responses++;
            } else {
                path = "/v1/track";
                json = "{\"userId\":\"" + user + "\",\"event\":\"Survey Declined\"}";
                declinesSent.incrementAndGet();
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingressUrl + path)).header("Content-Type", "application/json")
                    .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofString(json)).build();
            posts.add(senders.submit(() -> client.send(request, HttpResponse.BodyHandlers.discarding())));
        }
        for (java.util.concurrent.Future<?> post : posts) {
            post.get();
        }
        long lastPost = System.nanoTime();
        senders.shutdown();
        long deadline = lastPost + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && (unreached() > 0 || wootric.delivered.sum() < responses
                || wootric.declines.sum() < declinesSent.get())) {
            Thread.sleep(100);
        }
        double drain = (System.nanoTime() - lastPost) / 1e9;
        Thread.sleep(1000);
        long calls = wootric.calls.values().stream().mapToLong(java.util.concurrent.atomic.LongAdder::sum).sum();
        return new Result(total, calls, wootric.latency.percentileMillis(50), wootric.latency.percentileMillis(99),
                staleness.percentileMillis(50), staleness.percentileMillis(99), unreached(), drain, usersDiffering(), responses,
                wootric.delivered.sum(), declinesSent.get(), wootric.declines.sum(), maxCallsInWindow(windowMillis));
    }

    private void expect(String user, String property, String value) {
        long seq = Long.parseLong(value.substring(1));
        List<Change> list = waiting.computeIfAbsent(user + "/" + property, k -> new ArrayList<>());
        synchronized (list) {
            list.add(new Change(user, property, seq, System.nanoTime()));
        }
        lastSent.put(user + "/" + property, value);
    }

    private void seen(String id, Map<String, String> properties) {
        long now = System.nanoTime();
        String user = PREFIX + (Integer.parseInt(id) - 1);
        properties.forEach((property, value) -> {
            String key = user + "/" + property;
            held.put(key, value);
            List<Change> list = waiting.get(key);
            if (list != null && value.length() > 1) {
                long seq;
                try {
                    seq = Long.parseLong(value.substring(1));
                } catch (NumberFormatException e) {
                    return;
                }
                synchronized (list) {
                    list.removeIf(change -> {
                        if (change.seq() <= seq) {
                            staleness.record(now - change.postedNanos());
                            return true;
                        }
                        return false;
                    });
                }
            }
        });
    }


    private long unreached() {
        long n = 0;
        for (List<Change> list : waiting.values()) {
            synchronized (list) {
                n += list.size();
            }
        }
        return n;
    }

    private long usersDiffering() {
        java.util.Set<String> differing = new java.util.HashSet<>();
        lastSent.forEach((key, value) -> {
            if (!value.equals(held.get(key))) {
                differing.add(key.substring(0, key.indexOf('/')));
            }
        });
        return differing.size();
    }

    private int maxCallsInWindow(long windowMillis) {
        List<Long> times = new ArrayList<>(wootric.callTimes);
        times.sort(null);
        int max = 0;
        int from = 0;
        for (int to = 0; to < times.size(); to++) {
            while (times.get(to) - times.get(from) >= TimeUnit.MILLISECONDS.toNanos(windowMillis)) {
                from++;
            }
            max = Math.max(max, to - from + 1);
        }
        return max;
    }
}
