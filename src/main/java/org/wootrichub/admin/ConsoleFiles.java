package org.wootrichub.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator console's static files (classpath folder {@code console/}, packaged in the jar), served at /console/.
 * They are served without the token because they hold no data: every figure the console shows comes from the admin
 * API, with the operator's token. Only a flat file name of a known kind is looked up, so no path can reach another
 * resource of the classpath, and there is no listing.
 */
final class ConsoleFiles {

    static final String PATH = "/console/";
    private static final String FOLDER = "console/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(html|css|js|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");
    /**
     * The console runs only its own files: no inline script or style, nothing from another origin (no CDN, and a
     * value that slipped into the page as markup could neither run nor send anything elsewhere), and it is never framed.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /** Found files only: the jar's files are few, while the names a client may ask for are not. */
    private final Map<String, Buffer> found = new ConcurrentHashMap<>();

    void mount(Router router) {
        router.route(HttpMethod.GET, "/console").handler(rc -> {
            // the router also gives this route /console/: only the bare name is sent on
            if ("/console".equals(rc.request().path())) {
                // relative, so it also holds behind a proxy that mounts the hub under a prefix
                rc.response().setStatusCode(302).putHeader("Location", "console/").end();
            } else {
                rc.next();
            }
        });
        router.route(HttpMethod.GET, PATH + "*").handler(this::serve);
    }

    private void serve(RoutingContext rc) {
        String path = rc.request().path();
        String name = path.startsWith(PATH) ? path.substring(PATH.length()) : null;
        Matcher matcher = NAME.matcher(name == null || name.isEmpty() ? "index.html" : name);
        Buffer content = name != null && matcher.matches() ? file(matcher.group()) : null;
        if (content == null) {
            rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("not found");
            return;
        }
        rc.response()
                .putHeader("Content-Type", TYPES.get(matcher.group(1)))
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                // a new jar's console is picked up at once
                .putHeader("Cache-Control", "no-cache")
                .end(content);
    }

    private Buffer file(String name) {
        Buffer cached = found.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                return null;
            }
            Buffer content = Buffer.buffer(in.readAllBytes());
            found.put(name, content);
            return content;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
