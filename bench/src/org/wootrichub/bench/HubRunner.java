package org.wootrichub.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The hub as a user runs it (java -jar), on a fresh data folder, with its resident memory sampled. */
final class HubRunner implements AutoCloseable {

    final int httpPort = freePort();
    final int managementPort = freePort();
    final int brokerPort = freePort();
    final long startToReadyMillis;
    private final Process process;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong peakRssKb = new AtomicLong();

    HubRunner(Path jar, Path dataDir, String wootricUrl, List<String> jvmOptions, Map<String, String> extraEnv, Path log) throws Exception {
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("HUB_HTTP_PORT", Integer.toString(httpPort));
        env.put("HUB_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("HUB_BROKER_EMBEDDED_TCP_PORT", Integer.toString(brokerPort));
        env.put("HUB_DATA_DIR", dataDir.toString());
        env.put("HUB_WRITE_KEYS", "bench-key");
        env.put("WOOTRIC_BASE_URL", wootricUrl);
        env.put("WOOTRIC_CLIENT_ID", "bench");
        env.put("WOOTRIC_CLIENT_SECRET", "bench-secret");
        env.put("WOOTRIC_RATE_LIMIT_PER_MINUTE", "0");
        env.put("WOOTRIC_MAX_CONCURRENT_CALLS", "0");
        env.putAll(extraEnv);
        long start = System.nanoTime();
        process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        awaitReady();
        startToReadyMillis = (System.nanoTime() - start) / 1_000_000;
        sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    private void awaitReady() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited");
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/observe/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the hub was not ready in 60 s");
    }

    private void sample() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    peakRssKb.accumulateAndGet(kb, Math::max);
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
    }

    /** The peak resident memory since the last reset, in MB. */
    long peakRssMb() {
        sample();
        return peakRssKb.get() / 1024;
    }

    void resetPeak() {
        peakRssKb.set(0);
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
