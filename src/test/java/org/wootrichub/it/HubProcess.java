package org.wootrichub.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real hub, started from the packaged jar as a user would start it ({@code java -jar}), in its own process, on
 * free ports with its embedded broker also reachable on TCP. The integration tests and the benchmark both start it
 * through this class.
 */
public final class HubProcess implements AutoCloseable {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Path jar;
    /** bin/wootric-hub, or null to run {@code java -jar} with {@link #jvmOptions} alone. */
    private Path launcher;
    private final List<String> jvmOptions;
    private final Map<String, String> env;
    private final Path log;
    /** the ports, chosen again when another program took one before the first start could listen on it */
    private int httpPort;
    private int managementPort;
    private int brokerPort;
    private boolean startedBefore;
    private Process process;
    private Thread killOnExit;
    private long startToReadyMillis;

    private HubProcess(Path jar, List<String> jvmOptions, Map<String, String> env, Path log, int httpPort, int managementPort,
            int brokerPort) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.env = env;
        this.log = log;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.brokerPort = brokerPort;
    }

    /**
     * A hub as the integration tests run it: the jar named by the {@code hub.jar} property, {@code -Xmx512m}, write
     * key "test-key", the repository's route files, Wootric at the given base URL and short retry settings; extra
     * settings override these. Its output goes to {@code target/it-logs/NAME.log}.
     */
    public static HubProcess create(String name, Path dataDir, String wootricBaseUrl, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HUB_WRITE_KEYS", "test-key");
        env.put("HUB_ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
        env.put("WOOTRIC_CLIENT_ID", "client-id");
        env.put("WOOTRIC_CLIENT_SECRET", "client-secret-value");
        env.put("WOOTRIC_ACCOUNT_TOKEN", "NPS-test");
        env.put("WOOTRIC_RATE_LIMIT_PER_MINUTE", "0");
        env.put("WOOTRIC_RETRY_INITIAL_DELAY_MS", "100");
        env.put("WOOTRIC_RETRY_IN_PROCESS_MAX_DELAY_MS", "500");
        env.put("WOOTRIC_RETRY_PARK_INITIAL_DELAY", "500ms");
        env.put("WOOTRIC_RETRY_PARK_MAX_DELAY", "2s");
        // each event delivered as it comes, as the tests written before coalescing expect; the coalescing tests turn it on
        env.put("WOOTRIC_COALESCE_ENABLED", "false");
        env.putAll(extra);
        Path jar = new File(System.getProperty("hub.jar", "target/wootric-hub.jar")).getAbsoluteFile().toPath();
        return create(jar, List.of("-Xmx512m"), dataDir, wootricBaseUrl, env, Path.of("target", "it-logs", name + ".log"));
    }

    /**
     * A hub from the given jar with the given JVM options, on free ports (HTTP, management, embedded broker TCP), data
     * in {@code dataDir}, Wootric at the given base URL; {@code settings} (environment variables) are added last, so
     * they override these. Its output is appended to {@code log}.
     */
    public static HubProcess create(Path jar, List<String> jvmOptions, Path dataDir, String wootricBaseUrl, Map<String, String> settings,
            Path log) {
        int http = freePort();
        int management = freePort();
        int broker = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("HUB_HTTP_PORT", Integer.toString(http));
        env.put("HUB_MANAGEMENT_PORT", Integer.toString(management));
        env.put("HUB_BROKER_EMBEDDED_TCP_PORT", Integer.toString(broker));
        env.put("HUB_DATA_DIR", dataDir.toString());
        env.put("WOOTRIC_BASE_URL", wootricBaseUrl);
        env.putAll(settings);
        return new HubProcess(jar, jvmOptions, env, log, http, management, broker);
    }

    /**
     * Starts the hub through the launcher (bin/wootric-hub) instead of {@code java -jar}: with the launcher's JVM
     * settings, the JVM options given at creation added after them (HUB_JAVA_OPTS), and this JVM's Java.
     */
    public HubProcess viaLauncher(Path launcher) {
        this.launcher = launcher.toAbsolutePath();
        return this;
    }

    /** Starts the process and waits until its health check answers UP; the process is killed if this JVM exits first. */
    public HubProcess start() throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>();
        if (launcher == null) {
            command.add(javaBin());
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add(launcher.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (int attempt = 1;; attempt++) {
            long logSize = Files.exists(log) ? Files.size(log) : 0;
            builder.environment().putAll(env);
            if (launcher != null) {
                builder.environment().put("HUB_JAR", jar.toString());
                builder.environment().put("HUB_JAVA_OPTS", String.join(" ", jvmOptions));
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            }
            long start = System.nanoTime();
            process = builder.start();
            killOnExit = new Thread(process::destroyForcibly);
            Runtime.getRuntime().addShutdownHook(killOnExit);
            try {
                awaitReady(Duration.ofSeconds(60));
            } catch (IllegalStateException e) {
                stop();
                if (startedBefore || attempt == 3 || !portsChosenHere() || !portTaken(logSize)) {
                    throw e;
                }
                // a free port handed out here was taken by another program before the hub listened on it
                choosePorts();
                continue;
            }
            startToReadyMillis = (System.nanoTime() - start) / 1_000_000;
            startedBefore = true;
            return this;
        }
    }

    /** Whether the hub's output since {@code from} says it stopped because a port of its was in use. */
    private boolean portTaken(long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8).contains("Address already in use");
    }

    /** Whether the ports are those this class chose (a test may give its own, a taken one on purpose). */
    private boolean portsChosenHere() {
        return Integer.toString(httpPort).equals(env.get("HUB_HTTP_PORT"))
                && Integer.toString(managementPort).equals(env.get("HUB_MANAGEMENT_PORT"))
                && Integer.toString(brokerPort).equals(env.get("HUB_BROKER_EMBEDDED_TCP_PORT"));
    }

    private void choosePorts() {
        httpPort = freePort();
        managementPort = freePort();
        brokerPort = freePort();
        env.put("HUB_HTTP_PORT", Integer.toString(httpPort));
        env.put("HUB_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("HUB_BROKER_EMBEDDED_TCP_PORT", Integer.toString(brokerPort));
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited with " + process.exitValue() + "; see " + log + "; it ends with:\n"
                        + logTail());
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("UP") && ingressAnswers(client)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the hub was not ready within " + timeout + "; see " + log + "; it ends with:\n" + logTail());
    }

    /** The last lines of the hub's output (without stack frames), for a failure message CI prints. */
    private String logTail() throws IOException {
        List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("\tat ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /**
     * Whether the ingress route answers (a GET is refused by the route itself, 405): under load the health check can
     * say UP a moment before the route is registered on the HTTP server, which answers 404 until then.
     */
    private boolean ingressAnswers(HttpClient client) throws IOException, InterruptedException {
        HttpResponse<Void> probe = client.send(HttpRequest.newBuilder(URI.create(ingressUrl() + "/v1/identify"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        return probe.statusCode() != 404;
    }

    /** A graceful stop (SIGTERM), as a service manager would stop it. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        forgetKillOnExit();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
        forgetKillOnExit();
    }

    private void forgetKillOnExit() {
        if (killOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // this JVM is exiting: the hook runs anyway
            }
            killOnExit = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The process id, once started. */
    public long pid() {
        return process.pid();
    }

    /** From the process start until the health check first answered UP. */
    public long startToReadyMillis() {
        return startToReadyMillis;
    }

    public String ingressUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public String brokerUrl() {
        return "tcp://127.0.0.1:" + brokerPort;
    }

    public Path log() {
        return log;
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    /** A port nothing listens on now, not handed out before in this JVM (the system may give a released port again). */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
