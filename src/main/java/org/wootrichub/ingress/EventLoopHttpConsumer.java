package org.wootrichub.ingress;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumerAware;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.broker.EventPublisher;
import org.wootrichub.observe.LogValues;

/**
 * Runs its route on the event loop that read the request, and answers from there, instead of handing the request
 * to a worker thread and waiting on it there until the route is done (Camel's consumer). A step that waits (the
 * broker's commit) completes asynchronously and continues on the request's event loop ({@link EventPublisher#CONTINUE_ON}), so
 * no thread is parked per request: on this machine each hand-over between threads costs more than the route's own
 * work (docs/benchmarks.md, session 11).
 * <p>
 * Only for routes whose every step is quick and never blocks; others get Camel's consumer unchanged. A request with
 * a large body starts its route on a worker thread instead, and still goes on on its event loop once stored.
 */
public class EventLoopHttpConsumer extends VertxPlatformHttpConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopHttpConsumer.class);
    /** A body longer than this is read on a worker thread: a batch of a few hundred events or more. */
    public static final int WORKER_BODY_BYTES = 64 * 1024;

    private final Predicate<String> onEventLoop;
    private volatile boolean eventLoop;

    public EventLoopHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor, List<Handler<RoutingContext>> handlers,
            String routerName, Predicate<String> onEventLoop) {
        super(endpoint, processor, handlers, routerName);
        this.onEventLoop = onEventLoop;
    }

    @Override
    protected void doStart() throws Exception {
        // platform-http wraps this consumer in its own: the route's consumer is that one
        eventLoop = getEndpoint().getCamelContext().getRoutes().stream()
                .anyMatch(route -> route.getConsumer() instanceof PlatformHttpConsumerAware wrapper
                        && wrapper.getPlatformHttpConsumer() == this && onEventLoop.test(route.getRouteId()));
        super.doStart();
    }

    /** Whether this consumer's route runs on the event loop. */
    public boolean onEventLoop() {
        return eventLoop;
    }

    /**
     * On the event loop, the route's message carries no request header and no body: copying every header and query
     * parameter into Camel's message cost a fifteenth of the loops' time (docs/benchmarks.md, session 12), and the
     * route's first step reads the request from Vert.x ({@link IngressRequest}). A step put before it sees neither.
     */
    @Override
    protected Future<Void> populateCamelMessage(RoutingContext ctx, Exchange exchange, Message message) {
        return eventLoop ? Future.succeededFuture() : super.populateCamelMessage(ctx, exchange, message);
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (!eventLoop) {
            super.handleRequest(ctx);
            return;
        }
        if (isSuspended()) {
            ctx.response().setStatusCode(503).end();
            return;
        }
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(exchange, ctx, read.cause());
                return;
            }
            ContextInternal context = (ContextInternal) ctx.vertx().getOrCreateContext();
            Executor continueOn = task -> context.runOnContext(v -> task.run());
            exchange.setProperty(EventPublisher.CONTINUE_ON, continueOn);
            if (ctx.body().length() > WORKER_BODY_BYTES) {
                // reading a large batch would hold the loop's other connections (2,500 events: about 0.2 s);
                // a worker thread reads it, and the route still goes on on the loop once the events are stored
                context.executeBlocking(() -> {
                    route(exchange, ctx, context, continueOn);
                    return null;
                }, false);
            } else {
                route(exchange, ctx, context, continueOn);
            }
        });
    }

    private void route(Exchange exchange, RoutingContext ctx, ContextInternal context, Executor continueOn) {
        try {
            createUoW(exchange);
            getAsyncProcessor().process(exchange, doneSync -> {
                if (context.isRunningOnContext()) {
                    respond(exchange, ctx);
                } else {
                    continueOn.execute(() -> respond(exchange, ctx));
                }
            });
        } catch (Exception e) {
            continueOn.execute(() -> fail(exchange, ctx, e));
        }
    }

    private void respond(Exchange exchange, RoutingContext ctx) {
        if (ctx.response().closed()) {
            clientGone(exchange, ctx);
            return;
        }
        try {
            write(exchange, ctx.response()).onComplete(written -> {
                if (written.succeeded()) {
                    complete(exchange);
                } else if (ctx.response().closed()) {
                    clientGone(exchange, ctx);
                } else {
                    fail(exchange, ctx, written.cause());
                }
            });
        } catch (RuntimeException e) {
            fail(exchange, ctx, e);
        }
    }

    /** The client left before its answer (its events are stored all the same): no error of the hub's. */
    private void clientGone(Exchange exchange, RoutingContext ctx) {
        LOG.debug("the client of {} left before its answer", LogValues.safe(ctx.request().path()));
        complete(exchange);
    }

    /**
     * The route's reply: its status header, the headers the endpoint's filter lets out, its body as text. A route
     * that ends with an exception no step handled is answered 500 without its message (it may hold anything).
     */
    private Future<Void> write(Exchange exchange, HttpServerResponse response) {
        Exception failure = exchange.getException();
        if (failure != null) {
            // Camel's error handler has logged it; the reply says nothing of it
            LOG.warn("ingress request failed: {}", failure.getClass().getName());
            return response.setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end(IngressReplies.error("internal_error", "the request could not be handled"));
        }
        Message message = exchange.getMessage();
        response.setStatusCode(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
        HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
        for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
            Object value = header.getValue();
            if (value != null && filter != null && !filter.applyFilterToCamelHeaders(header.getKey(), value, exchange)) {
                if (value instanceof Iterable<?> values) {
                    values.forEach(one -> response.headers().add(header.getKey(), String.valueOf(one)));
                } else {
                    response.putHeader(header.getKey(), value.toString());
                }
            }
        }
        // the filter keeps Content-Type out, as it does for Camel's own writer, which sets it on its own
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType != null) {
            response.putHeader("Content-Type", contentType);
        }
        String body = message.getBody(String.class);
        return response.end(body == null ? "" : body);
    }

    private void fail(Exchange exchange, RoutingContext ctx, Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), failure);
        ctx.fail(failure);
        complete(exchange);
    }

    private void complete(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }
}
