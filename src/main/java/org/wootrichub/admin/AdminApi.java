package org.wootrichub.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.event.SegmentJson;

/**
 * The dead-letter admin API, on the management port next to health and metrics, behind a bearer token
 * (HUB_ADMIN_TOKEN). Without a configured token it is not mounted at all.
 *
 * <pre>
 * GET    /admin/dlq?reason=&amp;offset=&amp;limit=   list (paged, oldest first)
 * GET    /admin/dlq/{id}                       one dead letter with its original event
 * POST   /admin/dlq/{id}/replay                back to the events queue
 * POST   /admin/dlq/replay?reason=             all, or those with the reason
 * DELETE /admin/dlq/{id}                       purge one
 * DELETE /admin/dlq?reason=                    purge all, or those with the reason
 * </pre>
 */
public class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    private final DeadLetters deadLetters;
    private final byte[] token;

    public AdminApi(DeadLetters deadLetters, String token) {
        this.deadLetters = deadLetters;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Mounts the routes on the management server's router (call once the context has started). */
    public void mount(CamelContext context, int managementPort) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(managementPort));
        if (router == null) {
            LOG.warn("No management server on port {}: the admin API is not available", managementPort);
            return;
        }
        router.route(HttpMethod.GET, "/admin/dlq").handler(rc -> handle(rc, () -> deadLetters.list(
                rc.request().getParam("reason"), intParam(rc, "offset", 0), Math.min(500, intParam(rc, "limit", 50)))));
        router.route(HttpMethod.POST, "/admin/dlq/replay").handler(rc -> handle(rc, () -> count("replayed",
                deadLetters.replay(rc.request().getParam("reason"), null))));
        router.route(HttpMethod.DELETE, "/admin/dlq").handler(rc -> handle(rc, () -> count("purged",
                deadLetters.purge(rc.request().getParam("reason"), null))));
        router.route(HttpMethod.GET, "/admin/dlq/:id").handler(rc -> handle(rc, () -> deadLetters.show(rc.pathParam("id"))));
        router.route(HttpMethod.POST, "/admin/dlq/:id/replay").handler(rc -> handle(rc, () -> one("replayed",
                deadLetters.replay(null, rc.pathParam("id")))));
        router.route(HttpMethod.DELETE, "/admin/dlq/:id").handler(rc -> handle(rc, () -> one("purged",
                deadLetters.purge(null, rc.pathParam("id")))));
        LOG.info("Dead-letter admin API on port {} under /admin/dlq", managementPort);
    }

    private void handle(RoutingContext rc, Callable<ObjectNode> action) {
        if (!authorised(rc.request().getHeader("Authorization"))) {
            reply(rc, 401, error("unauthorized", "a valid admin bearer token is required"));
            return;
        }
        rc.vertx().<ObjectNode>executeBlocking(action::call, false).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("admin request {} {} failed: {}", rc.request().method(), rc.request().path(), result.cause().getMessage());
                reply(rc, 503, error("broker_unavailable", "the dead-letter queue could not be read; retry later"));
            } else if (result.result() == null) {
                reply(rc, 404, error("not_found", "no dead letter with that id"));
            } else {
                reply(rc, 200, result.result());
            }
        });
    }

    boolean authorised(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode count(String field, int n) {
        return SegmentJson.MAPPER.createObjectNode().put(field, n);
    }

    /** One by id: null (404) when nothing had that id. */
    private static ObjectNode one(String field, int n) {
        return n == 0 ? null : count(field, n);
    }

    private static int intParam(RoutingContext rc, String name, int fallback) {
        try {
            String value = rc.request().getParam(name);
            return value == null ? fallback : Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static ObjectNode error(String code, String message) {
        return SegmentJson.MAPPER.createObjectNode().put("code", code).put("message", message);
    }

    private static void reply(RoutingContext rc, int status, ObjectNode body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(SegmentJson.write(body));
    }
}
