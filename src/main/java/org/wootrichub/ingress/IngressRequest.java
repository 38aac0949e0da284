package org.wootrichub.ingress;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.WebServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * What the ingress reads of an HTTP request: its method, URI, a few headers, body and sender. On the ingress route it
 * is read from the Vert.x request itself, which is why {@link EventLoopHttpConsumer} copies no request header into the
 * Camel message (copying them all cost a fifteenth of the event loops' time, docs/benchmarks.md, session 12); a message
 * without a Vert.x request (a test's exchange) is read from its Camel headers.
 */
interface IngressRequest {

    String method();

    /** The request target as sent, as Camel's CamelHttpUri has it: path and query (a proxy's absolute form keeps its host). */
    String uri();

    /**
     * A request header (names case-insensitive), or null. Sent more than once, Vert.x gives its first value; a test's
     * Camel message holds one value per name.
     */
    String header(String name);

    /** The body as it came (before any decoding), or null for none. */
    byte[] body();

    /** The address of the connection's other end, or null. */
    String remoteHost();

    static IngressRequest of(Message in) {
        if (in instanceof HttpMessage http && http.getRequest() instanceof WebServerRequest request) {
            return new FromVertx(request.routingContext());
        }
        return new FromCamel(in);
    }

    /** The request as Vert.x read it: the routing context holds the body whatever its Content-Type (see {@link IngressFront}). */
    record FromVertx(RoutingContext context) implements IngressRequest {

        @Override
        public String method() {
            return context.request().method().name();
        }

        @Override
        public String uri() {
            return context.request().uri();
        }

        @Override
        public String header(String name) {
            return context.request().getHeader(name);
        }

        @Override
        public byte[] body() {
            Buffer buffer = context.body().buffer();
            return buffer == null ? null : buffer.getBytes();
        }

        @Override
        public String remoteHost() {
            return host(context.request().remoteAddress());
        }
    }

    /** The request as Camel's platform-http consumer puts it on the message: headers, and the body. */
    record FromCamel(Message in) implements IngressRequest {

        @Override
        public String method() {
            return in.getHeader(Exchange.HTTP_METHOD, String.class);
        }

        @Override
        public String uri() {
            return in.getHeader(Exchange.HTTP_URI, String.class);
        }

        @Override
        public String header(String name) {
            return in.getHeader(name, String.class);
        }

        @Override
        public byte[] body() {
            return in.getBody(byte[].class);
        }

        @Override
        public String remoteHost() {
            return in.getHeader("CamelVertxPlatformHttpRemoteAddress") instanceof SocketAddress address ? host(address) : null;
        }
    }

    private static String host(SocketAddress address) {
        if (address == null) {
            return null;
        }
        return address.hostAddress() != null ? address.hostAddress() : address.host();
    }
}
