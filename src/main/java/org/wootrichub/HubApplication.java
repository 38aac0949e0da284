package org.wootrichub;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.LoggerFactory;
import org.wootrichub.ingress.HttpServerGuards;

/** Starts the hub: the route files of the routes folder (or those packaged in the jar), with the hub's beans. */
public final class HubApplication {

    private static final String PACKAGED_ROUTES = "routes/";

    private HubApplication() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /**
     * Runs the hub until it is stopped; returns the process's exit status.
     *
     * @param listeners more listeners on Camel Main (the class archive's training start)
     */
    static int run(String[] args, MainListenerSupport... listeners) {
        Main main = new Main();
        // an instance, not the class: camel-main 4.18 post-processes a configuration class twice (once as it makes it),
        // which would make every bean twice
        main.configure().addConfiguration(new HubConfiguration());
        String routes = routesIncludePattern(routesDir());
        LoggerFactory.getLogger(HubApplication.class).info("Route files: {}", routes);
        main.configure().withRoutesIncludePattern(routes);
        PortCheck ports = new PortCheck(main);
        main.addMainListener(ports);
        for (MainListenerSupport listener : listeners) {
            main.addMainListener(listener);
        }
        // the process ends with Camel: a start that failed, or camel.main.durationMaxSeconds, would otherwise leave it
        // waiting on the broker's and HTTP server's threads (the launcher's class-archive training relies on this)
        int exit;
        try {
            exit = main.run(args);
        } catch (Exception e) {
            // a start that failed before Camel could report it (the embedded broker's, say): logged, and status 1
            LoggerFactory.getLogger(HubApplication.class).error("The hub could not start: {}", e.getMessage(), e);
            exit = 1;
        }
        return ports.failed() ? 1 : exit;
    }

    /**
     * Ends the hub at its start when a server could not listen on its port: it would run and answer nobody. It runs
     * once the routes have started (a startup listener that throws only makes Camel's route controller retry the
     * routes for good), so the dispatch consumers may take a few events first; the stop is graceful, so each is
     * finished or stays on the queue.
     */
    static final class PortCheck extends MainListenerSupport {
        private final Main main;
        private volatile boolean failed;

        PortCheck(Main main) {
            this.main = main;
        }

        @Override
        public void afterStart(BaseMainSupport started) {
            CamelContext context = started.getCamelContext();
            HttpServerGuards guards = context.getRegistry().lookupByNameAndType("httpServerGuards", HttpServerGuards.class);
            Map<Integer, String> failures = guards == null ? Map.of() : guards.listenFailures();
            if (failures.isEmpty()) {
                return;
            }
            failed = true;
            // both settings may name one port: Camel then serves both from one server
            Map<String, String> settings = new HashMap<>();
            settings.merge(context.resolvePropertyPlaceholders("{{hub.http-port}}"), "HUB_HTTP_PORT", (a, b) -> a + ", " + b);
            settings.merge(context.resolvePropertyPlaceholders("{{hub.management-port}}"), "HUB_MANAGEMENT_PORT",
                    (a, b) -> a + ", " + b);
            String ports = failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(f -> "port " + f.getKey() + " (" + settings.getOrDefault(f.getKey().toString(), "?") + "): " + f.getValue())
                    .collect(Collectors.joining("; "));
            LoggerFactory.getLogger(HubApplication.class).error("The hub cannot listen on {}. Another program may be using"
                    + " the port; the setting in brackets chooses it. Stopping.", ports);
            main.completed();
        }

        boolean failed() {
            return failed;
        }
    }

    /** HUB_ROUTES_DIR, or the system property hub.routes-dir, else "routes" in the working directory. */
    static String routesDir() {
        String dir = System.getenv("HUB_ROUTES_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("hub.routes-dir", "routes");
        }
        return dir;
    }

    /** The folder's route files when it has any, else the copies packaged in the jar. */
    static String routesIncludePattern(String dir) {
        Path folder = Path.of(dir);
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".camel.yaml"))) {
                    return "file:" + folder.toAbsolutePath().normalize() + "/*.camel.yaml";
                }
            } catch (IOException e) {
                // unreadable folder: fall back to the packaged routes
            }
        }
        return packagedRoutes();
    }

    /**
     * The route files packaged in the jar (or in the classes folder), each named: with a wildcard, Camel searches the
     * whole class path for them, which added about a second to every start from the jar (docs/benchmarks.md).
     */
    static String packagedRoutes() {
        URL folder = HubApplication.class.getResource("/" + PACKAGED_ROUTES);
        List<String> names = new ArrayList<>();
        try {
            if (folder != null && folder.openConnection() instanceof JarURLConnection jar) {
                jar.getJarFile().stream().map(JarEntry::getName)
                        .filter(name -> name.startsWith(PACKAGED_ROUTES) && name.indexOf('/', PACKAGED_ROUTES.length()) < 0)
                        .map(name -> name.substring(PACKAGED_ROUTES.length())).forEach(names::add);
            } else if (folder != null && "file".equals(folder.getProtocol())) {
                try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
                    files.map(f -> f.getFileName().toString()).forEach(names::add);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            names.clear();
        }
        List<String> routes = names.stream().filter(name -> name.endsWith(".camel.yaml")).sorted()
                .map(name -> "classpath:" + PACKAGED_ROUTES + name).toList();
        return routes.isEmpty() ? "classpath:" + PACKAGED_ROUTES + "*.camel.yaml" : String.join(",", routes);
    }

    public static String version() {
        String version = HubApplication.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
