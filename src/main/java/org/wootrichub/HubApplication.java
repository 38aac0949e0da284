package org.wootrichub;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** Starts the hub: the route files of the routes folder (or those packaged in the jar), with the hub's beans. */
public final class HubApplication {

    private static final String PACKAGED_ROUTES = "routes/";

    private HubApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        // an instance, not the class: camel-main 4.18 post-processes a configuration class twice (once as it makes it),
        // which would make every bean twice
        main.configure().addConfiguration(new HubConfiguration());
        String routes = routesIncludePattern(routesDir());
        LoggerFactory.getLogger(HubApplication.class).info("Route files: {}", routes);
        main.configure().withRoutesIncludePattern(routes);
        // the process ends with Camel: a start that failed, or camel.main.durationMaxSeconds, would otherwise leave it
        // waiting on the broker's and HTTP server's threads (the launcher's class-archive training relies on this)
        System.exit(main.run(args));
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
