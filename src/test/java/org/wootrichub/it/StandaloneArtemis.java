package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A standalone Artemis broker process from the apache-artemis bin distribution (unpacked by the build), configured
 * with the project's docker/artemis/broker.xml on a free port, user "hub".
 */
final class StandaloneArtemis implements AutoCloseable {

    static final String USER = "hub";
    static final String PASSWORD = "hub-broker-pw";

    final int port = HubProcess.freePort();
    private final Path instance;
    private Process process;

    /** @param configure changes to broker.xml for a test (after the port is set) */
    StandaloneArtemis(Path work, UnaryOperator<String> configure) throws Exception {
        Path home = Path.of(System.getProperty("artemis.home", "target/standalone-artemis/apache-artemis-2.40.0"));
        instance = work.resolve("broker");
        Process create = new ProcessBuilder("bash", home.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", USER, "--password", PASSWORD, "--require-login", "--silent", "--no-web", "--no-autotune")
                .redirectErrorStream(true).redirectOutput(work.resolve("artemis-create.log").toFile()).start();
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        String config = Files.readString(Path.of("docker/artemis/broker.xml"))
                .replace("tcp://0.0.0.0:61616?protocols=CORE,AMQP,OPENWIRE", "tcp://127.0.0.1:" + port + "?protocols=CORE");
        Files.writeString(instance.resolve("etc/broker.xml"), configure.apply(config));
    }

    StandaloneArtemis start() throws Exception {
        Files.createDirectories(Path.of("target", "it-logs"));
        process = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "it-logs", "standalone-artemis.log").toFile()))
                .start();
        await().atMost(Duration.ofSeconds(60)).until(this::listening);
        return this;
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
    java.util.Map<String, String> hubEnvironment() {
        return java.util.Map.of("HUB_BROKER_URL", url(), "HUB_BROKER_USER", USER, "HUB_BROKER_PASSWORD", PASSWORD,
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
}
