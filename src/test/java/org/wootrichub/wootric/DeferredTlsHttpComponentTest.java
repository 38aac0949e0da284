package org.wootrichub.wootric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.protocol.BasicHttpContext;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/** The https connections of the Wootric calls: HttpClient's TLS factory, made when the first connection needs it. */
class DeferredTlsHttpComponentTest {

    @Test
    void httpsIsDeferredAndHttpIsPlain() throws Exception {
        Registry<ConnectionSocketFactory> registry = new DeferredTlsHttpComponent().createConnectionRegistry(null, null, false);

        assertThat(registry.lookup("https")).isInstanceOf(DeferredTlsHttpComponent.Deferred.class);
        assertThat(registry.lookup("http")).isSameAs(PlainConnectionSocketFactory.getSocketFactory());
    }

    @Test
    void onceTheHubHasStartedTheTlsFactoryIsMadeInTheBackground() throws Exception {
        DeferredTlsHttpComponent component = new DeferredTlsHttpComponent();
        DeferredTlsHttpComponent.Deferred https = (DeferredTlsHttpComponent.Deferred) component.createConnectionRegistry(null, null, false)
                .lookup("https");
        assertThat(https.made()).isFalse();

        component.makeTlsInBackground();

        await().atMost(Duration.ofSeconds(10)).until(https::made);
    }

    @Test
    void theFactoryIsMadeOnceAtItsFirstUseAndEveryCallIsItsOwn() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Recording factory = new Recording();
        DeferredTlsHttpComponent.Deferred deferred = new DeferredTlsHttpComponent.Deferred(() -> {
            made.incrementAndGet();
            return factory;
        });
        assertThat(made).hasValue(0);

        HttpContext context = new BasicHttpContext();
        HttpHost host = new HttpHost("https", "api.wootric.com", 443);
        InetSocketAddress remote = InetSocketAddress.createUnresolved("api.wootric.com", 443);
        Object attachment = new Object();
        assertThat(deferred.createSocket(context)).isSameAs(factory.socket);
        assertThat(deferred.createSocket(Proxy.NO_PROXY, context)).isSameAs(factory.socket);
        assertThat(deferred.connectSocket(TimeValue.ofSeconds(5), factory.socket, host, remote, null, context)).isSameAs(factory.socket);
        assertThat(deferred.connectSocket(factory.socket, host, remote, null, Timeout.ofSeconds(5), attachment, context))
                .isSameAs(factory.socket);
        assertThat(deferred.createLayeredSocket(factory.socket, "api.wootric.com", 443, context)).isSameAs(factory.socket);
        assertThat(deferred.createLayeredSocket(factory.socket, "api.wootric.com", 443, attachment, context)).isSameAs(factory.socket);

        assertThat(made).hasValue(1);
        // each call reached the same method of the factory, the attachment (HttpClient's TLS settings) with it
        assertThat(factory.calls).containsExactly("createSocket", "createSocket proxy", "connectSocket", "connectSocket attachment",
                "createLayeredSocket", "createLayeredSocket attachment");
    }

    /** Answers every call with one socket and notes which method was called. */
    private static final class Recording implements LayeredConnectionSocketFactory {
        final Socket socket = new Socket();
        final List<String> calls = new ArrayList<>();

        @Override
        public Socket createSocket(HttpContext context) {
            calls.add("createSocket");
            return socket;
        }

        @Override
        public Socket createSocket(Proxy proxy, HttpContext context) {
            calls.add("createSocket proxy");
            return socket;
        }

        @Override
        public Socket connectSocket(TimeValue connectTimeout, Socket given, HttpHost host, InetSocketAddress remoteAddress,
                InetSocketAddress localAddress, HttpContext context) {
            calls.add("connectSocket");
            return socket;
        }

        @Override
        public Socket connectSocket(Socket given, HttpHost host, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                Timeout connectTimeout, Object attachment, HttpContext context) {
            calls.add(attachment == null ? "connectSocket null" : "connectSocket attachment");
            return socket;
        }

        @Override
        public Socket createLayeredSocket(Socket given, String target, int port, HttpContext context) {
            calls.add("createLayeredSocket");
            return socket;
        }

        @Override
        public Socket createLayeredSocket(Socket given, String target, int port, Object attachment, HttpContext context) {
            calls.add(attachment == null ? "createLayeredSocket null" : "createLayeredSocket attachment");
            return socket;
        }
    }
}
