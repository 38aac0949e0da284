package org.wootrichub.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.event.SegmentJson;
import org.wootrichub.ingress.IngressRejection;
import org.wootrichub.ingress.StrictJson;
import org.wootrichub.observe.LogValues;

/**
 * The admin API, on the management port next to health and metrics, behind a bearer token (HUB_ADMIN_TOKEN):
 * dead letters, the outcome log, the preview and the overview, and the operator console that uses them. Without a
 * configured token none of it is mounted.
 *
 * <pre>
 * GET    /admin/dlq?reason=&amp;offset=&amp;limit=   list (paged, oldest first; limit 1-500, default 50)
 * GET    /admin/dlq/{id}                       one dead letter with its original event
 * POST   /admin/dlq/{id}/replay                back to the events queue
 * POST   /admin/dlq/replay?reason=             all, or those with the reason
 * DELETE /admin/dlq/{id}                       purge one
 * DELETE /admin/dlq?reason=                    purge all, or those with the reason
 * GET    /admin/events?messageId=&amp;userId=&amp;offset=&amp;limit=   outcome log (paged, newest first)
 * POST   /admin/preview?lookups=cache|live      the Wootric requests of the events in the body, none sent
 * GET    /admin/overview                       throughput, backlog, budget and pauses, from the hub's meters
 * GET    /console/                             the console's static files (no data in them: not behind the token)
 * </pre>
 */
public class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final int MAX_LIMIT = 500;
    private static final int MAX_OFFSET = 10_000_000;
    /** A preview's body, like an ingress request's, is at most this large. */
    private static final int PREVIEW_MAX_BYTES = 512 * 1024;

    private final DeadLetters deadLetters;
    private final OutcomeLog outcomes;
    private final Preview preview;
    private final Overview overview;
    private final byte[] token;

    public AdminApi(DeadLetters deadLetters, OutcomeLog outcomes, Preview preview, Overview overview, String token) {
        this.deadLetters = deadLetters;
        this.outcomes = outcomes;
        this.preview = preview;
        this.overview = overview;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Mounts the routes on the management server's router (call once the context has started). */
    public void mount(CamelContext context, int managementPort) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(managementPort));
        if (router == null) {
            LOG.warn("No management server on port {}: the admin API is not available", managementPort);
            return;
        }
        mount(router);
        LOG.info("Admin API on port {}: /admin/dlq, /admin/events, /admin/preview, /admin/overview; console at /console/", managementPort);
    }

    /**
     * Every request value is checked before the broker is asked anything: an id that is blank or not a message id is
     * 404, a blank or malformed reason and a limit or offset out of range are 400, so no value can widen an operation
     * beyond what it names.
     */
    void mount(Router router) {
        router.route(HttpMethod.GET, "/admin/dlq").handler(rc -> handle(rc, () -> {
            exactPath(rc, "/admin/dlq");
            String reason = reason(rc);
            int offset = intParam(rc, "offset", 0, 0, MAX_OFFSET);
            int limit = intParam(rc, "limit", 50, 1, MAX_LIMIT);
            return () -> deadLetters.list(reason, offset, limit);
        }));
        router.route(HttpMethod.POST, "/admin/dlq/replay").handler(rc -> handle(rc, () -> {
            exactPath(rc, "/admin/dlq/replay");
            String reason = reason(rc);
            return () -> count("replayed", deadLetters.replay(reason, null));
        }));
        router.route(HttpMethod.DELETE, "/admin/dlq").handler(rc -> handle(rc, () -> {
            exactPath(rc, "/admin/dlq");
            String reason = reason(rc);
            return () -> count("purged", deadLetters.purge(reason, null));
        }));
        router.route(HttpMethod.GET, "/admin/dlq/:id").handler(rc -> handle(rc, () -> {
            String id = id(rc);
            return () -> deadLetters.show(id);
        }));
        router.route(HttpMethod.POST, "/admin/dlq/:id/replay").handler(rc -> handle(rc, () -> {
            String id = id(rc);
            return () -> one("replayed", deadLetters.replay(null, id));
        }));
        router.route(HttpMethod.DELETE, "/admin/dlq/:id").handler(rc -> handle(rc, () -> {
            String id = id(rc);
            return () -> one("purged", deadLetters.purge(null, id));
        }));
        router.route(HttpMethod.GET, "/admin/events").handler(rc -> handle(rc, () -> {
            exactPath(rc, "/admin/events");
            String messageId = searchValue(rc, "messageId");
            String userId = searchValue(rc, "userId");
            int offset = intParam(rc, "offset", 0, 0, OutcomeLog.MAX_OFFSET);
            int limit = intParam(rc, "limit", 50, 1, MAX_LIMIT);
            return () -> outcomes.search(messageId, userId, offset, limit);
        }));
        // the token is checked before the body is read
        router.route(HttpMethod.POST, "/admin/preview").handler(rc -> {
            if (authorised(rc.request().getHeader("Authorization"))) {
                rc.next();
            } else {
                reply(rc, 401, error("unauthorized", "a valid admin bearer token is required"));
            }
        });
        router.route(HttpMethod.POST, "/admin/preview").handler(BodyHandler.create(false).setBodyLimit(PREVIEW_MAX_BYTES));
        router.route(HttpMethod.POST, "/admin/preview").handler(rc -> handle(rc, () -> {
            exactPath(rc, "/admin/preview");
            boolean live = lookups(rc);
            String body = rc.body() == null ? null : rc.body().asString();
            if (body == null || body.isBlank()) {
                throw new Refused(400, "invalid_json", "the body must be a Segment event, a batch or an array of events");
            }
            try {
                StrictJson.parse(body);
            } catch (IngressRejection e) {
                throw new Refused(400, "invalid_json", e.getMessage());
            }
            return () -> preview.run(body, live);
        }));
        router.route(HttpMethod.GET, "/admin/overview").handler(rc -> handle(rc, () -> {
            exactPath(rc, "/admin/overview");
            // blocking: the backlog gauges may ask the broker
            return overview::read;
        }));
        new ConsoleFiles().mount(router);
    }

    /** A messageId or userId to search by: absent means any; present, it must not be blank (nor too long). */
    private static String searchValue(RoutingContext rc, String name) {
        String value = rc.request().getParam(name);
        if (value != null && !OutcomeLog.validValue(value)) {
            throw new Refused(400, "invalid_" + name, name + " must not be blank nor longer than " + OutcomeLog.MAX_VALUE_LENGTH
                    + " characters");
        }
        return value;
    }

    /** Lookups from the cache (the default) or live (read-only requests to Wootric). */
    private static boolean lookups(RoutingContext rc) {
        String lookups = rc.request().getParam("lookups");
        if (lookups == null || "cache".equals(lookups)) {
            return false;
        }
        if ("live".equals(lookups)) {
            return true;
        }
        throw new Refused(400, "invalid_lookups", "lookups must be cache or live");
    }

    /** Checks the request's values and returns the broker work to do, or throws {@link Refused}. */
    private interface Request {
        Callable<ObjectNode> prepare();
    }

    /** A request refused before the broker is asked anything. */
    private static final class Refused extends RuntimeException {
        private final int status;
        private final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(RoutingContext rc, Request request) {
        if (!authorised(rc.request().getHeader("Authorization"))) {
            reply(rc, 401, error("unauthorized", "a valid admin bearer token is required"));
            return;
        }
        Callable<ObjectNode> action;
        try {
            action = request.prepare();
        } catch (Refused refused) {
            reply(rc, refused.status, error(refused.code, refused.getMessage()));
            return;
        }
        rc.vertx().<ObjectNode>executeBlocking(action::call, false).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("admin request {} {} failed: {}", rc.request().method(), LogValues.safe(rc.request().path()),
                        LogValues.safe(result.cause().getMessage()));
                reply(rc, 503, error("broker_unavailable", "the broker could not be read; retry later"));
            } else if (result.result() == null) {
                reply(rc, 404, error("not_found", "no dead letter with that id"));
            } else {
                reply(rc, 200, result.result());
            }
        });
    }

    /**
     * The operations on many dead letters answer only at their exact path: the router would also take
     * /admin/dlq/ (a blank id) or /admin/dlq//replay for them, and those name one dead letter, not all.
     */
    private static void exactPath(RoutingContext rc, String path) {
        if (!path.equals(rc.request().path())) {
            throw new Refused(404, "not_found", path.startsWith("/admin/dlq") ? "no dead letter with that id" : "nothing at this path");
        }
    }

    /** The reason filter: absent means all; present, it must be a reason code. */
    private static String reason(RoutingContext rc) {
        String reason = rc.request().getParam("reason");
        if (reason != null && !DeadLetters.validReason(reason)) {
            throw new Refused(400, "invalid_reason", "reason must be a reason code such as wootric_rejected");
        }
        return reason;
    }

    private static String id(RoutingContext rc) {
        String id = rc.pathParam("id");
        if (!DeadLetters.validId(id)) {
            throw new Refused(404, "not_found", "no dead letter with that id");
        }
        return id;
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

    private static int intParam(RoutingContext rc, String name, int fallback, int min, int max) {
        String value = rc.request().getParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new Refused(400, "invalid_" + name, name + " must be a whole number from " + min + " to " + max);
    }

    private static ObjectNode error(String code, String message) {
        return SegmentJson.MAPPER.createObjectNode().put("code", code).put("message", message);
    }

    private static void reply(RoutingContext rc, int status, ObjectNode body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(SegmentJson.write(body));
    }
}
