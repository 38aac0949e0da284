package org.wootrichub.it;

import java.nio.file.Path;
import java.util.Map;

/** A hub process with its WireMock Wootric, ingress client and queue probe, shared by the tests of one class. */
final class RunningHub implements AutoCloseable {

    final WootricFake wootric;
    final HubProcess hub;
    final Ingress ingress;
    final QueueProbe queues;

    private RunningHub(WootricFake wootric, HubProcess hub, QueueProbe queues) {
        this.wootric = wootric;
        this.hub = hub;
        this.ingress = new Ingress(hub.ingressUrl());
        this.queues = queues;
    }

    static RunningHub start(String name, Path data, Map<String, String> env) throws Exception {
        WootricFake wootric = new WootricFake();
        try {
            HubProcess hub = HubProcess.create(name, data, wootric.baseUrl(), env).start();
            return new RunningHub(wootric, hub, new QueueProbe(hub.brokerUrl()));
        } catch (Exception | Error e) {
            wootric.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            queues.close();
            hub.stop();
        } finally {
            wootric.close();
        }
    }
}
