package org.wootrichub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/** A closed-loop HTTP load: N workers, each sending its next request as soon as the last is answered. */
final class Load {

    record Result(long requests, long errors, double seconds, double p50Millis, double p99Millis) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private Load() {
    }

    /**
     * @param body request number → JSON body
     * @param maxRequests stop after this many requests (all workers together), or earlier at the deadline
     */
    static Result run(String url, String writeKeyAuth, int concurrency, Duration duration, long maxRequests, IntFunction<String> body)
            throws Exception {
        return run(n -> url, "application/json", writeKeyAuth, concurrency, duration, maxRequests, body);
    }

    /**
     * @param url request number → URL
     * @param writeKeyAuth the Authorization header, or null for none (a browser sends its write key in the body)
     */
    static Result run(IntFunction<String> url, String contentType, String writeKeyAuth, int concurrency, Duration duration,
            long maxRequests, IntFunction<String> body) throws Exception {
        ExecutorService clientThreads = Executors.newFixedThreadPool(4);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
        Histogram latency = new Histogram();
        LongAdder sent = new LongAdder();
        LongAdder errors = new LongAdder();
        java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(workers.submit(() -> {
                while (System.nanoTime() < deadline) {
                    long n = counter.getAndIncrement();
                    if (n >= maxRequests) {
                        break;
                    }
                    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.apply((int) n)))
                            .header("Content-Type", contentType)
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(body.apply((int) n)));
                    if (writeKeyAuth != null) {
                        builder.header("Authorization", writeKeyAuth);
                    }
                    HttpRequest request = builder.build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            errors.increment();
                        }
                    } catch (Exception e) {
                        errors.increment();
                    }
                    latency.record(System.nanoTime() - t0);
                    sent.increment();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        workers.shutdownNow();
        clientThreads.shutdownNow();
        return new Result(sent.sum(), errors.sum(), seconds, latency.percentileMillis(50), latency.percentileMillis(99));
    }
}
