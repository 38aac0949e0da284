package org.wootrichub.routes;

/** What the route tests that run without a broker share. */
final class RouteTests {

    /**
     * A broker URL where nothing listens: the application does not start its embedded broker, and a route that
     * reached the broker instead of a mock or a recording bean would fail.
     */
    static final String NO_BROKER = "hub.broker.url=tcp://127.0.0.1:1";

    private RouteTests() {
    }
}
