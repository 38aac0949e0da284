package org.wootrichub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wootrichub.HubConfiguration;
import org.wootrichub.observe.CapturedLogs;

/**
 * Slow and vanishing clients on both ports of the real application, with short timeouts: raw sockets that send half
 * a request are cut off within the configured time, and a client that leaves mid-body is no ERROR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(
        configurationClasses = HubConfiguration.class,
        properties = {
            "camel.main.routesIncludePattern=file:routes/*.camel.yaml",
            "hub.data-dir=" + HttpServerGuardsRouteTest.DATA,
            "hub.write-keys=test-key",
            "hub.admin-token=admin-token",
            "hub.dispatch.consumers=1",
            "camel.routecontroller.enabled=false",
            "hub.http.idle-timeout=1500ms",
            "hub.http.header-timeout=1s",
            "hub.http.body-timeout=1s"
        })
class HttpServerGuardsRouteTest {

    static final String DATA = "target/route-tests/http-guards";
    private static final HubPorts PORTS = HubPorts.claim(DATA);
    /** Well past every configured timeout: a connection still open by then was not cut off. */
    private static final int GIVE_UP_MILLIS = 6000;

    @AfterAll
    static void releasePorts() {
        PORTS.release();
    }

    private static int port(String server) {
        return server.equals("ingress") ? PORTS.http : PORTS.management;
    }

    private static String path(String server) {
        return server.equals("ingress") ? "/v1/track" : "/admin/dlq";
    }

    /** Sends the text, then waits until the server closes the connection; the time from the send to the close. */
    private static Duration closedAfter(int port, String text) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(GIVE_UP_MILLIS);
            long start = System.nanoTime();
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            awaitClose(socket.getInputStream());
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    /** Reads until the end of the stream (a reply before the close is allowed); a timeout fails the test. */
    private static void awaitClose(InputStream in) throws IOException {
        try {
            while (in.read() != -1) {
                // discard
            }
        } catch (SocketException reset) {
            // closed
        }
    }

    @ParameterizedTest(name = "{0}: a connection that sends nothing is closed after the idle timeout")
    @ValueSource(strings = {"ingress", "management"})
    void anIdleConnectionIsClosed(String server) throws IOException {
        assertThat(closedAfter(port(server), "")).isBetween(Duration.ofMillis(1200), Duration.ofMillis(4000));
    }

    @ParameterizedTest(name = "{0}: half a request line is cut off")
    @ValueSource(strings = {"ingress", "management"})
    void halfARequestLineIsCutOff(String server) throws IOException {
        assertThat(closedAfter(port(server), "POST " + path(server).substring(0, 5)))
                .isBetween(Duration.ofMillis(800), Duration.ofMillis(4000));
    }

    @ParameterizedTest(name = "{0}: half the headers are cut off")
    @ValueSource(strings = {"ingress", "management"})
    void halfTheHeadersAreCutOff(String server) throws IOException {
        assertThat(closedAfter(port(server), "POST " + path(server) + " HTTP/1.1\r\nHost: hub\r\nContent-Ty"))
                .isBetween(Duration.ofMillis(800), Duration.ofMillis(4000));
    }

    @ParameterizedTest(name = "{0}: a body shorter than its Content-Length is cut off")
    @ValueSource(strings = {"ingress", "management"})
    void aShortBodyIsCutOff(String server) throws IOException {
        String headers = "POST " + path(server) + " HTTP/1.1\r\nHost: hub\r\nAuthorization: Basic dGVzdC1rZXk6\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n";
        assertThat(closedAfter(port(server), headers + "{\"userId\":")).isBetween(Duration.ofMillis(800), Duration.ofMillis(4000));
    }

    @ParameterizedTest(name = "{0}: headers trickled byte by byte are cut off at the header timeout")
    @ValueSource(strings = {"ingress", "management"})
    void trickledHeadersAreCutOff(String server) throws Exception {
        String request = "POST " + path(server) + " HTTP/1.1\r\nHost: hub\r\nX-Slow: " + "x".repeat(200) + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port(server))) {
            socket.setSoTimeout(GIVE_UP_MILLIS);
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickle = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (byte b : request.getBytes(StandardCharsets.US_ASCII)) {
                        if (stop.get()) {
                            return;
                        }
                        out.write(b);
                        out.flush();
                        // each byte well within the idle timeout: only the header deadline can stop this
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server
                }
            });
            long start = System.nanoTime();
            trickle.start();
            try {
                awaitClose(socket.getInputStream());
            } finally {
                stop.set(true);
                trickle.join();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(800), Duration.ofMillis(4000));
        }
    }

    @Test
    void aWholeRequestStillGetsItsAnswerOnAKeptAliveConnection() throws IOException {
        String body = "{\"userId\":\"u-guard\",\"event\":\"E\"}";
        String request = "POST /v1/track HTTP/1.1\r\nHost: hub\r\nAuthorization: Basic dGVzdC1rZXk6\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        try (Socket socket = new Socket("127.0.0.1", PORTS.http)) {
            socket.setSoTimeout(GIVE_UP_MILLIS);
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                byte[] reply = new byte[512];
                int n = socket.getInputStream().read(reply);
                assertThat(new String(reply, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200").contains("{\"success\":true}");
            }
        }
    }

    @ParameterizedTest(name = "{0}: a client that leaves mid-body is logged at DEBUG, not ERROR")
    @ValueSource(strings = {"ingress", "management"})
    void aClientLeavingMidBodyIsNoError(String server) throws Exception {
        String headers = "POST " + path(server) + " HTTP/1.1\r\nHost: hub\r\nAuthorization: Basic dGVzdC1rZXk6\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"userId\":";
        try (CapturedLogs logs = new CapturedLogs(Level.DEBUG, "org.wootrichub")) {
            try (Socket socket = new Socket("127.0.0.1", port(server))) {
                socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Thread.sleep(300);
            }
            // and one that the body timeout cuts off
            closedAfter(port(server), headers);
            Thread.sleep(500);
            assertThat(logs.events()).noneSatisfy(e -> assertThat(e.getLevel().isMoreSpecificThan(Level.ERROR)).isTrue());
            if (server.equals("ingress")) {
                // the management port reads no request body at all
                assertThat(logs.messages()).anySatisfy(m -> assertThat(m).contains("went away before the request was complete"));
            }
        }
    }
}
