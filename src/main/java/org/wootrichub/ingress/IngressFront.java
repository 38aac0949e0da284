package org.wootrichub.ingress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.wootrichub.observe.HubMetrics;

/**
 * What the ingress port does for every {@code /v1/*} request before the ingress route sees it.
 *
 * <ul>
 * <li>CORS, as Segment's API does, since analytics.js posts from web pages on other origins: a preflight is answered
 * here (the allowed origins, methods and headers, and a max-age); every other reply to an allowed origin carries
 * {@code Access-Control-Allow-Origin}.</li>
 * <li>The raw body: read whole, whatever the Content-Type, so that the body decides what it is. Vert.x's body handler
 * would decode a body labelled form or multipart itself (and fail on a gzip JSON body labelled form, as
 * rudder-sdk-node sends); the route's body handler is told the body has been read and passes it on untouched.</li>
 * </ul>
 */
public final class IngressFront {

    static final String ALLOW_HEADERS = "Content-Type, Authorization, Content-Encoding, X-Retry-Count";
    static final String ALLOW_METHODS = "POST";
    /** a day; browsers cap it lower (Chromium at two hours) */
    static final String MAX_AGE_SECONDS = "86400";

    private final List<String> origins;
    private final boolean anyOrigin;
    private final long maxBodyBytes;
    private final HubMetrics metrics;
    private final List<Router> routers = new ArrayList<>();

    /**
     * @param corsOrigins allowed origins, comma-separated ({@code *}: any)
     * @param maxBodyBytes the largest raw body read at all (the ingress applies Segment's limits after gunzip)
     */
    public IngressFront(String corsOrigins, long maxBodyBytes, HubMetrics metrics) {
        this.origins = corsOrigins == null ? List.of()
                : Arrays.stream(corsOrigins.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
        this.anyOrigin = origins.contains("*");
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    /** Mounts the front on the ingress server's router, ahead of the ingress route; once per router. */
    public synchronized void install(Router router) {
        if (!routers.contains(router)) {
            routers.add(router);
            router.route("/v1/*").order(Integer.MIN_VALUE + 1).handler(this::handle);
        }
    }

    /** The value of {@code Access-Control-Allow-Origin} for a request from this origin, or null: not allowed. */
    String allowedOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        if (anyOrigin) {
            return "*";
        }
        return origins.contains(origin) ? origin : null;
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        String origin = request.getHeader("Origin");
        String allowed = allowedOrigin(origin);
        rc.addHeadersEndHandler(v -> {
            if (allowed != null) {
                response.putHeader("Access-Control-Allow-Origin", allowed);
            }
            if (!anyOrigin) {
                // the reply depends on the origin: caches must not serve one origin's reply to another
                response.headers().add("Vary", "Origin");
            }
        });
        if (request.method() == HttpMethod.OPTIONS && origin != null
                && request.getHeader("Access-Control-Request-Method") != null) {
            preflight(rc, allowed != null);
        } else {
            readBody(rc);
        }
    }

    private void preflight(RoutingContext rc, boolean allowed) {
        if (!allowed) {
            refuse(rc, 403, "origin_not_allowed", "this origin is not among the hub's allowed origins (HUB_CORS_ORIGINS)");
            return;
        }
        rc.response().setStatusCode(204)
                .putHeader("Access-Control-Allow-Methods", ALLOW_METHODS)
                .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS)
                .putHeader("Access-Control-Max-Age", MAX_AGE_SECONDS)
                .end();
    }

    private void readBody(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        RoutingContextInternal internal = (RoutingContextInternal) rc;
        // from here on the route's own body handler passes the request on without reading (or decoding) it
        internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
        if (declaredLength(request) > maxBodyBytes) {
            refuse(rc, 413, "request_too_large", "the request body exceeds " + maxBodyBytes + " bytes");
            return;
        }
        if (request.isEnded()) {
            internal.setBody(Buffer.buffer());
            rc.next();
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect")) && request.version() != HttpVersion.HTTP_2) {
            rc.response().writeContinue();
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.exceptionHandler(rc::fail);
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBodyBytes) {
                refused[0] = true;
                refuse(rc, 413, "request_too_large", "the request body exceeds " + maxBodyBytes + " bytes");
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (!refused[0]) {
                internal.setBody(body);
                rc.next();
            }
        });
        request.resume();
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(RoutingContext rc, int status, String code, String message) {
        metrics.ingress("refused_" + status, 1);
        HttpServerResponse response = rc.response();
        if (!response.ended()) {
            response.setStatusCode(status).putHeader("Content-Type", "application/json").end(IngressReplies.error(code, message));
        }
    }
}
