package org.wootrichub.routes;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * Free ports for the hub's two HTTP servers in a route test that talks HTTP, set as JVM system properties (they
 * override application.properties) before the test class's Camel context starts; released after the class.
 */
final class HubPorts {

    final int http;
    final int management;

    private HubPorts(int http, int management) {
        this.http = http;
        this.management = management;
    }

    static HubPorts claim() {
        HubPorts ports = new HubPorts(freePort(), freePort());
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
