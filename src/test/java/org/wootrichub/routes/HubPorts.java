package org.wootrichub.routes;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * What a route test that talks HTTP claims before its class's Camel context starts: an empty data folder, and free
 * ports for the hub's two HTTP servers, set as JVM system properties (they override application.properties);
 * released after the class.
 */
final class HubPorts {

    final int http;
    final int management;

    private HubPorts(int http, int management) {
        this.http = http;
        this.management = management;
    }

    static HubPorts claim(String dataDir) {
        DispatchRouteTest.deleteTree(Path.of(dataDir));
        int http = freePort();
        int management = freePort();
        while (management == http) {
            // the system may give a port it just released again
            management = freePort();
        }
        HubPorts ports = new HubPorts(http, management);
        System.setProperty("hub.http-port", Integer.toString(ports.http));
        System.setProperty("hub.management-port", Integer.toString(ports.management));
        return ports;
    }

    void release() {
        System.clearProperty("hub.http-port");
        System.clearProperty("hub.management-port");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
