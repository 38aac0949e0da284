package org.wootrichub.ingress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.observe.LogValues;

/**
 * Guards the hub's HTTP servers (the ingress port and the management port) against slow and vanishing clients.
 *
 * <ul>
 * <li>idle: a connection with no request in progress on which nothing arrives is closed after the idle timeout
 * (from when it opened, or from the end of its last response);</li>
 * <li>header: once the first bytes of a request arrived, its headers must be complete within the header timeout
 * (a half-sent request line or headers, or headers trickled byte by byte);</li>
 * <li>body: once the headers are in, the body must be complete within the body timeout (a body shorter than its
 * Content-Length, or trickled).</li>
 * </ul>
 *
 * A request being processed has no deadline here. Bodies are read on the event loop before a route runs, so a slow
 * client never holds a thread; these deadlines also free its connection. A client that goes away in the
 * middle of a body is logged at DEBUG, not as Vert.x's "Unhandled exception in router" ERROR.
 *
 * <p>Vert.x gives a server one event loop for all its connections. The ingress route runs on it
 * ({@link EventLoopHttpEngine}), so one loop would make one core the limit: once a server listens, servers of the
 * same handlers listen on the same port from the other event loops ({@code hub.http.event-loops} in all), and Vert.x
 * hands each new connection to the next of them.
 *
 * <p>Camel 4.18's main HTTP servers (camel.server.*, camel.management.*) offer no timeout option and build their
 * Vert.x server options themselves, so each server is given its own Vert.x instance whose createHttpServer adds the
 * guards; the servers must not have started yet. The same instance notes a port a server could not listen on
 * ({@link #listenFailures()}): Camel's servers only log it and start the routes, a hub that answers nobody.
 */
public final class HttpServerGuards {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerGuards.class);

    private final long idleNanos;
    private final long headerNanos;
    private final long bodyNanos;
    private final long tickMillis;
    private final List<Vertx> instances = new ArrayList<>();
    private final Map<Integer, String> listenFailures = new ConcurrentHashMap<>();
    private final VertxOptions options;
    private final int eventLoops;

    /**
     * @param options of the Vert.x instance made for each server (its worker pool runs what may wait or take long: the
     *     admin API's broker requests, reading large ingress bodies, platform-http routes other than the ingress)
     * @param eventLoops how many event loops take each server's connections
     */
    public HttpServerGuards(Duration idle, Duration header, Duration body, VertxOptions options, int eventLoops) {
        this.options = options;
        this.eventLoops = eventLoops;
        this.idleNanos = idle.toNanos();
        this.headerNanos = header.toNanos();
        this.bodyNanos = body.toNanos();
        long shortest = Math.min(idle.toMillis(), Math.min(header.toMillis(), body.toMillis()));
        this.tickMillis = Math.max(10, Math.min(1000, shortest / 10));
    }

    /** Call while configuring the context: Camel has made its HTTP servers, not yet started them. */
    public void install(CamelContext context) throws Exception {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            Vertx vertx = Vertx.vertx(new VertxOptions(options));
            instances.add(vertx);
            server.setVertx(guarded(vertx));
        }
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                // the servers do not close a Vert.x they were given
                instances.forEach(vertx -> vertx.close(closed -> { }));
                instances.clear();
            }
        });
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the routers exist once the servers have started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                for (VertxPlatformHttpRouter router : started.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
                    router.route().order(Integer.MIN_VALUE).failureHandler(HttpServerGuards::clientGone);
                }
            }
        });
    }

    /** Each port a server could not listen on, with the reason ("Address already in use"). */
    public Map<Integer, String> listenFailures() {
        return Map.copyOf(listenFailures);
    }

    /** A failure because the client went away (or was cut off) is no error of the hub's: DEBUG, and no reply. */
    static void clientGone(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure instanceof HttpClosedException || rc.response().closed()) {
            LOG.debug("the client of {} {} went away before the request was complete: {}", rc.request().method(),
                    LogValues.safe(rc.request().path()), LogValues.safe(failure == null ? "closed" : failure.getMessage()));
            return;
        }
        rc.next();
    }

    /** The Vert.x instance a server is given: every HTTP server it creates carries the guards. */
    private Vertx guarded(Vertx vertx) {
        return proxy(Vertx.class, vertx, (method, args) -> {
            if (method.getName().equals("createHttpServer")) {
                HttpServerOptions options = args != null && args.length == 1 && args[0] instanceof HttpServerOptions given
                        ? new HttpServerOptions(given) : new HttpServerOptions();
                // without HTTP/2 over cleartext a connection is an HTTP/1.1 connection from its first byte (h2c would
                // wait for the first bytes to choose, unseen by any handler); Segment's clients speak HTTP/1.1
                options.setHttp2ClearTextEnabled(false);
                return guarded(vertx, vertx.createHttpServer(options), options);
            }
            return null;
        });
    }

    private HttpServer guarded(Vertx vertx, HttpServer server, HttpServerOptions options) {
        Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
        Handler<HttpConnection> watchConnection = connection -> {
            Watch watch = new Watch(vertx, connection);
            watches.put(connection, watch);
            connection.closeHandler(closed -> {
                watches.remove(connection);
                watch.stop();
            });
            watch.start();
        };
        server.connectionHandler(watchConnection);
        // added on the event loop once the server listens, closed with it
        List<HttpServer> siblings = new CopyOnWriteArrayList<>();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicReference<Handler<HttpServerRequest>> requestHandler = new AtomicReference<>();
        HttpServer[] self = new HttpServer[1];
        self[0] = proxy(HttpServer.class, server, (method, args) -> {
            if (method.getName().equals("listen")) {
                boolean portGiven = args != null && args.length > 0 && args[0] instanceof Integer;
                int port = portGiven ? (Integer) args[0] : options.getPort();
                // Vert.x shares a random port between servers only when it is asked for as a negative number
                int sharedPort = port == 0 && portGiven && eventLoops > 1 ? -1 : port;
                String host = args != null && args.length > 1 && args[1] instanceof String given ? given : options.getHost();
                // on the server's event loop, once it listens: the siblings take the loops it does not use
                Runnable addSiblings = () -> {
                    if (sharedPort == 0 || requestHandler.get() == null) {
                        return;
                    }
                    EventLoop taken = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
                    int added = 0;
                    for (EventExecutor loop : ((VertxInternal) vertx).getEventLoopGroup()) {
                        if (added == eventLoops - 1) {
                            break;
                        }
                        if (loop != taken) {
                            siblings.add(sibling(vertx, (EventLoop) loop, options, watchConnection, requestHandler.get(),
                                    sharedPort, host, closed));
                            added++;
                        }
                    }
                };
                Object[] watched = args == null ? null : args.clone();
                if (portGiven) {
                    watched[0] = sharedPort;
                }
                boolean handlerGiven = watched != null && watched.length > 0 && watched[watched.length - 1] instanceof Handler;
                if (handlerGiven) {
                    watched[watched.length - 1] = watchedListen(port, watched[watched.length - 1], addSiblings);
                }
                Object listening;
                try {
                    listening = method.invoke(server, watched);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw (Error) e.getCause();
                }
                if (listening instanceof Future<?> future && !handlerGiven) {
                    // the overloads without a handler answer with a future instead
                    future.onSuccess(listens -> addSiblings.run());
                    future.onFailure(cause -> listenFailures.put(port, String.valueOf(cause.getMessage())));
                    return listening;
                }
                return self[0];
            }
            if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                @SuppressWarnings("unchecked")
                Handler<HttpServerRequest> handler = (Handler<HttpServerRequest>) args[0];
                Handler<HttpServerRequest> watched = request -> {
                    Watch watch = watches.get(request.connection());
                    if (watch != null) {
                        watch.request(request);
                    }
                    handler.handle(request);
                };
                requestHandler.set(watched);
                server.requestHandler(watched);
                return self[0];
            }
            if (method.getName().equals("close")) {
                // the port closes once the last server on it has; a sibling not listening yet never will
                closed.set(true);
                siblings.forEach(HttpServer::close);
                siblings.clear();
            }
            return null;
        });
        return self[0];
    }

    /**
     * A server on the same port as a server the hub's routes are on, with its handlers, listening on an event loop of
     * its own: Vert.x hands each new connection to the next server on a port in turn.
     */
    private static HttpServer sibling(Vertx vertx, EventLoop loop, HttpServerOptions options, Handler<HttpConnection> connections,
            Handler<HttpServerRequest> requests, int port, String host, AtomicBoolean closed) {
        HttpServer sibling = vertx.createHttpServer(options).connectionHandler(connections).requestHandler(requests);
        VertxInternal internal = (VertxInternal) vertx;
        ContextInternal context = internal.createEventLoopContext(loop, internal.getWorkerPool(), null);
        context.runOnContext(v -> {
            if (!closed.get()) {
                sibling.listen(port, host).onFailure(cause ->
                        LOG.warn("An event loop could not take connections on port {}: {}", port, cause.getMessage()));
            }
        });
        return sibling;
    }

    /**
     * The listen handler of a server, which notes a failure: Camel 4.18's server logs it at WARN, throws it on the
     * event loop and starts the routes as if it listened.
     */
    private Handler<AsyncResult<HttpServer>> watchedListen(int port, Object given, Runnable onListening) {
        @SuppressWarnings("unchecked")
        Handler<AsyncResult<HttpServer>> handler = (Handler<AsyncResult<HttpServer>>) given;
        return result -> {
            if (result.failed()) {
                listenFailures.put(port, String.valueOf(result.cause().getMessage()));
            } else {
                onListening.run();
            }
            try {
                handler.handle(result);
            } catch (RuntimeException e) {
                if (!result.failed() || e.getCause() != result.cause()) {
                    throw e;
                }
                // Camel's rethrow of the failure: reported when the start fails, not as an unhandled exception on the
                // event loop
            }
        };
    }

    /** One connection's deadlines, checked on its own event loop. */
    private final class Watch {
        private final Vertx vertx;
        private final HttpConnection connection;
        private HttpServerRequest request;
        private long since = System.nanoTime();
        /** when bytes last arrived; not after {@code since}: nothing has arrived since then */
        private volatile long lastRead = since;
        private long timer = -1;

        Watch(Vertx vertx, HttpConnection connection) {
            this.vertx = vertx;
            this.connection = connection;
        }

        void start() {
            if (connection instanceof ConnectionBase base) {
                // the first bytes of a request tell an idle connection from one whose request line or headers are slow
                base.channel().pipeline().addFirst("hub-read-clock", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        lastRead = System.nanoTime();
                        ctx.fireChannelRead(msg);
                    }
                });
            }
            timer = vertx.setTimer(tickMillis, id -> check());
        }

        void request(HttpServerRequest next) {
            request = next;
            since = System.nanoTime();
        }

        void stop() {
            vertx.cancelTimer(timer);
        }

        private void check() {
            long now = System.nanoTime();
            if (request != null && request.response().ended()) {
                request = null;
                since = now;
            }
            if (request == null) {
                boolean begun = lastRead - since > 0;
                if (begun ? now - since >= headerNanos : now - since >= idleNanos) {
                    close(begun ? "its request line and headers were not complete within the header timeout"
                            : "it sent nothing within the idle timeout");
                    return;
                }
            } else if (!request.isEnded() && now - since >= bodyNanos) {
                close("its request body was not complete within the body timeout");
                return;
            }
            timer = vertx.setTimer(tickMillis, id -> check());
        }

        private void close(String why) {
            LOG.debug("closing the connection from {}: {}", LogValues.safe(connection.remoteAddress()), why);
            connection.close();
        }
    }

    /** What an intercepted call returns instead of the target's result, or null to call the target. */
    private interface Interceptor {
        Object intercept(Method method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Interceptor interceptor) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object replaced = interceptor.intercept(method, args);
            if (replaced != null) {
                return replaced;
            }
            try {
                Object result = method.invoke(target, args);
                // a fluent call returns the target: hand back the proxy, so chained calls stay intercepted
                return result == target ? proxy : result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
