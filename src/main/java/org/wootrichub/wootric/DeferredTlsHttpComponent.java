package org.wootrichub.wootric;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.net.ssl.HostnameVerifier;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's HTTP component (the Wootric calls), whose default TLS context is made on a thread of its own once the hub
 * has started ({@link #makeTlsInBackground}), or at the first https connection if that comes first, instead of while
 * the routes are built: reading the JDK's trust store took 0.1 to 0.2 s of every start, on the path to ready
 * (docs/benchmarks.md, start to ready). A TLS setup the JVM cannot make (an unreadable trust store) is logged at ERROR
 * then, as the start would have failed on it. The connections are HttpClient's own {@link SSLConnectionSocketFactory}
 * with the context Camel would have made; TLS settings given to the component (sslContextParameters) are used as
 * Camel uses them.
 */
public class DeferredTlsHttpComponent extends HttpComponent {

    private static final Logger LOG = LoggerFactory.getLogger(DeferredTlsHttpComponent.class);

    private final List<Deferred> deferred = new CopyOnWriteArrayList<>();

    /** Makes the TLS socket factories of the endpoints made so far, on a thread of its own. */
    public void makeTlsInBackground() {
        Thread thread = new Thread(() -> {
            for (Deferred https : deferred) {
                try {
                    https.factory();
                } catch (RuntimeException e) {
                    LOG.error("The TLS context of the Wootric calls could not be made ({}): every https call will fail", e.getMessage());
                }
            }
        }, "hub-tls-setup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected Registry<ConnectionSocketFactory> createConnectionRegistry(HostnameVerifier hostnameVerifier,
            SSLContextParameters sslContextParameters, boolean useSystemProperties) throws GeneralSecurityException, IOException {
        if (sslContextParameters != null) {
            return super.createConnectionRegistry(hostnameVerifier, sslContextParameters, useSystemProperties);
        }
        Deferred https = new Deferred(() -> new SSLConnectionSocketFactory(
                useSystemProperties ? SSLContexts.createSystemDefault() : SSLContexts.createDefault(), hostnameVerifier));
        deferred.add(https);
        return RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                .register("https", https)
                .build();
    }

    /** Makes the TLS socket factory when the first https connection needs it; every call is the factory's own. */
    static final class Deferred implements LayeredConnectionSocketFactory {
        private final Supplier<LayeredConnectionSocketFactory> make;
        private volatile LayeredConnectionSocketFactory made;

        Deferred(Supplier<LayeredConnectionSocketFactory> make) {
            this.make = make;
        }

        boolean made() {
            return made != null;
        }

        LayeredConnectionSocketFactory factory() {
            LayeredConnectionSocketFactory factory = made;
            if (factory == null) {
                synchronized (this) {
                    factory = made;
                    if (factory == null) {
                        factory = make.get();
                        made = factory;
                    }
                }
            }
            return factory;
        }

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            return factory().createSocket(context);
        }

        @Override
        public Socket createSocket(Proxy proxy, HttpContext context) throws IOException {
            return factory().createSocket(proxy, context);
        }

        @Override
        public Socket connectSocket(TimeValue connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
                InetSocketAddress localAddress, HttpContext context) throws IOException {
            return factory().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
        }

        @Override
        public Socket connectSocket(Socket socket, HttpHost host, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                Timeout connectTimeout, Object attachment, HttpContext context) throws IOException {
            return factory().connectSocket(socket, host, remoteAddress, localAddress, connectTimeout, attachment, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
            return factory().createLayeredSocket(socket, target, port, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, Object attachment, HttpContext context)
                throws IOException {
            return factory().createLayeredSocket(socket, target, port, attachment, context);
        }
    }
}
