package org.wootrichub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/wootric-hub, as the README runs it: it starts the jar with the class archive that `mvn package` wrote beside it
 * (AppCDS), so the classes of Camel, Artemis and Vert.x are mapped from the archive instead of loaded from the jar.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin", "wootric-hub");

    @TempDir
    Path data;

    @Test
    void theHubStartsWithTheClassArchiveThePackageWrote() throws Exception {
        Path jar = new File(System.getProperty("hub.jar", "target/wootric-hub.jar")).getAbsoluteFile().toPath();
        Path archive = jar.resolveSibling("wootric-hub.jsa");
        assertThat(archive).as("mvn package writes the class archive beside the jar").exists();

        Path classLog = Path.of("target", "it-logs", "launcher-classes.log").toAbsolutePath();
        Files.createDirectories(classLog.getParent());
        Files.deleteIfExists(classLog);
        try (HubProcess hub = HubProcess.create(jar, List.of("-Xlog:class+load=info:file=" + classLog), data, "http://127.0.0.1:1",
                Map.of("HUB_WRITE_KEYS", "test-key", "WOOTRIC_CLIENT_ID", "client-id", "WOOTRIC_CLIENT_SECRET", "client-secret-value"),
                Path.of("target", "it-logs", "launcher.log")).viaLauncher(LAUNCHER).start()) {
            String classes = Files.readString(classLog);
            assertThat(classes).as("the hub's, Camel's, Artemis's and Vert.x's classes come from the archive")
                    .contains("org.wootrichub.HubApplication source: shared objects file (top)",
                            "org.apache.camel.main.Main source: shared objects file (top)",
                            "org.apache.activemq.artemis.core.server.impl.ActiveMQServerImpl source: shared objects file (top)",
                            "io.vertx.core.impl.VertxImpl source: shared objects file (top)");
            assertThat(classes).as("the training asked the hub what its first minute asks it: a request's classes are there too")
                    .contains("io.vertx.ext.web.impl.RoutingContextImpl source: shared objects file (top)");
        }
    }

    @Test
    void withoutARoutesFolderTheHubRunsTheRoutesPackagedInTheJar() throws Exception {
        Path jar = new File(System.getProperty("hub.jar", "target/wootric-hub.jar")).getAbsoluteFile().toPath();
        Path noRoutes = Files.createDirectories(data.resolve("no-routes"));
        Path log = Path.of("target", "it-logs", "launcher-packaged-routes.log");
        Files.deleteIfExists(log);
        long routes = 0;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                routes += Files.readAllLines(file).stream().filter(line -> line.startsWith("- route:")).count();
            }
        }
        try (HubProcess hub = HubProcess.create(jar, List.of(), data.resolve("hub"), "http://127.0.0.1:1",
                Map.of("HUB_WRITE_KEYS", "test-key", "WOOTRIC_CLIENT_ID", "client-id", "WOOTRIC_CLIENT_SECRET", "client-secret-value",
                        "HUB_ROUTES_DIR", noRoutes.toString()),
                log).viaLauncher(LAUNCHER).start()) {
            // ready means the ingress answers too (HubProcess): the routes came from the jar
            String output = Files.readString(log);
            assertThat(output).contains("Started dispatch (jms://queue:segment.events)", "Started ingress-http (platform-http:///v1)");
            String files = output.lines().filter(line -> line.contains("Route files: ")).findFirst().orElseThrow();
            assertThat(files).as("each packaged file named: a wildcard makes Camel search the whole jar")
                    .contains("classpath:routes/dispatch.camel.yaml").doesNotContain("*");
            assertThat(output).as("every packaged route started").contains("Routes startup (total:" + routes + " started:" + routes + ")");
        }
    }
}
