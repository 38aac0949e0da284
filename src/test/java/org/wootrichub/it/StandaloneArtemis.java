package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A standalone Artemis broker process from the apache-artemis bin distribution (unpacked by the build), configured
 * with the project's docker/artemis/broker.xml on a free port, user "hub"; or one of a replicated pair
 * ({@link ReplicatedPair}), which adds docker/artemis/replication-*.properties.
 */
final class StandaloneArtemis implements AutoCloseable {

    static final String USER = "hub";
    static final String PASSWORD = "hub-broker-pw";

    final int port = HubProcess.freePort();
    private final Path instance;
    private final Path log;
    private long logStart;
    private Process process;

    /** @param configure changes to broker.xml for a test (after the port is set) */
    StandaloneArtemis(Path work, UnaryOperator<String> configure) throws Exception {
        this(work, "broker", Path.of("target", "it-logs", "standalone-artemis.log"), configure);
    }

    private StandaloneArtemis(Path work, String name, Path log, UnaryOperator<String> configure) throws Exception {
        this.log = log;
        Path home = Path.of(System.getProperty("artemis.home", "target/standalone-artemis/apache-artemis-2.40.0"));
        instance = work.resolve(name);
        Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", USER, "--password", PASSWORD, "--require-login", "--silent", "--no-web", "--no-autotune")
                .redirectErrorStream(true).redirectOutput(work.resolve(name + "-create.log").toFile()).start();
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        String config = Files.readString(Path.of("docker/artemis/broker.xml"))
                .replace("tcp://0.0.0.0:61616?protocols=CORE,AMQP,OPENWIRE", "tcp://127.0.0.1:" + port + "?protocols=CORE");
        Files.writeString(instance.resolve("etc/broker.xml"), configure.apply(config));
    }

    StandaloneArtemis start() throws Exception {
        launch();
        await().atMost(Duration.ofSeconds(60)).until(this::listening);
        return this;
    }

    private void launch() throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        logStart = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** What this run of the broker logged so far. */
    String logText() throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart), StandardCharsets.UTF_8);
    }

    /** kill -9 (the script execs the JVM, so this is the broker itself). */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The environment a hub needs to use this broker. */
    Map<String, String> hubEnvironment() {
        return hubEnvironment(url());
    }

    private static Map<String, String> hubEnvironment(String brokerUrl) {
        return Map.of("HUB_BROKER_URL", brokerUrl, "HUB_BROKER_USER", USER, "HUB_BROKER_PASSWORD", PASSWORD,
                "HUB_BROKER_EMBEDDED_TCP_PORT", "0");
    }

    private boolean listening() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /**
     * A replicated primary/backup pair as docker-compose's "ha" profile runs it: docker/artemis/broker.xml on both, plus
     * replication-primary.properties or replication-backup.properties as each one's etc/broker.properties, with the
     * compose host names and ports replaced by this machine's.
     */
    record ReplicatedPair(StandaloneArtemis primary, StandaloneArtemis backup) implements AutoCloseable {

        static ReplicatedPair create(Path work) throws Exception {
            Path logs = Path.of("target", "it-logs");
            ReplicatedPair pair = new ReplicatedPair(
                    new StandaloneArtemis(work, "primary", logs.resolve("artemis-primary.log"), config -> config),
                    new StandaloneArtemis(work, "backup", logs.resolve("artemis-backup.log"), config -> config));
            pair.configure(pair.primary, "docker/artemis/replication-primary.properties");
            pair.configure(pair.backup, "docker/artemis/replication-backup.properties");
            return pair;
        }

        private void configure(StandaloneArtemis broker, String properties) throws IOException {
            String text = Files.readString(Path.of(properties))
                    .replace("params.host=artemis-primary", "params.host=127.0.0.1")
                    .replace("params.host=artemis-backup", "params.host=127.0.0.1")
                    .replace("primary.params.port=61616", "primary.params.port=" + primary.port)
                    .replace("backup.params.port=61616", "backup.params.port=" + backup.port);
            Files.writeString(broker.instance.resolve("etc/broker.properties"), text);
        }

        /** Starts the primary, then the backup, and waits until the backup holds a copy of the primary's journal. */
        ReplicatedPair start() throws Exception {
            primary.start();
            backup.launch();
            // a backup does not listen until it becomes active: its log says when it is in step
            await().atMost(Duration.ofSeconds(60)).until(() -> backup.logText().contains("AMQ221024"));
            return this;
        }

        /** Waits until the backup has become the active broker and accepts clients. */
        void awaitBackupActive(Duration timeout) {
            await().atMost(timeout).until(backup::listening);
        }

        /** The hub's failover URL: both brokers, reconnecting for ever. */
        String url() {
            return "(" + primary.url() + "," + backup.url() + ")?ha=true&reconnectAttempts=-1";
        }

        Map<String, String> hubEnvironment() {
            return StandaloneArtemis.hubEnvironment(url());
        }

        @Override
        public void close() throws InterruptedException {
            primary.close();
            backup.close();
        }
    }
}
