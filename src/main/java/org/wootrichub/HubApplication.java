package org.wootrichub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.camel.main.Main;

/** Starts the hub: the route files of the routes folder (or those packaged in the jar), with the hub's beans. */
public final class HubApplication {

    private HubApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        // an instance, not the class: camel-main 4.18 post-processes a configuration class twice (once as it makes it),
        // which would make every bean twice
        main.configure().addConfiguration(new HubConfiguration());
        main.configure().withRoutesIncludePattern(routesIncludePattern(routesDir()));
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
        return "classpath:routes/*.camel.yaml";
    }

    public static String version() {
        String version = HubApplication.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
