package org.wootrichub.ingress;

import java.util.Set;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Camel's Vert.x engine for platform-http, except that the routes named here run on the request's event loop
 * ({@link EventLoopHttpConsumer}) instead of a worker thread, and their message carries no request header or body
 * (their first step reads the request from Vert.x, as {@link HttpIngress} does). Every other platform-http route (a
 * user's own route file may block) keeps Camel's consumer.
 */
public class EventLoopHttpEngine extends VertxPlatformHttpEngine {

    private final Set<String> eventLoopRoutes;

    /** @param eventLoopRoutes the ids of the routes whose steps never block */
    public EventLoopHttpEngine(Set<String> eventLoopRoutes) {
        this.eventLoopRoutes = Set.copyOf(eventLoopRoutes);
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        String router = VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort());
        return new EventLoopHttpConsumer(endpoint, processor, getHandlers(), router, eventLoopRoutes::contains);
    }
}
