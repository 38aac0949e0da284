package org.wootrichub.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The hub's own counters, exposed with Camel's on /observe/metrics. Outcomes are counted here instead of logged
 * one by one at INFO.
 */
public class HubMetrics {

    private final Supplier<MeterRegistry> registrySource;
    private final List<MeterBinder> binders = new CopyOnWriteArrayList<>();
    private volatile MeterRegistry registry;
    private final Map<String, Counter> ingressCounters = new ConcurrentHashMap<>();

    /** @param registrySource looked up on first use: Camel binds its Prometheus registry after the beans are made */
    public HubMetrics(Supplier<MeterRegistry> registrySource) {
        this.registrySource = registrySource;
    }

    public static HubMetrics inMemory() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        return new HubMetrics(() -> registry);
    }

    /** The registry every meter of the hub is bound to (the one /observe/metrics shows). */
    public MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                if (registry == null) {
                    MeterRegistry found = registrySource.get();
                    registry = found != null ? found : new SimpleMeterRegistry();
                    binders.forEach(binder -> binder.bindTo(registry));
                }
                r = registry;
            }
        }
        return r;
    }

    /** Once the context has started (Camel's registry exists then): registers the bound gauges. */
    public void start() {
        registry();
    }

    /** Meters of another part of the hub (a cache, say), registered once the registry is known. */
    public void bind(MeterBinder binder) {
        binders.add(binder);
        MeterRegistry known = registry;
        if (known != null) {
            binder.bindTo(known);
        }
    }

    /** Events and requests at ingress, by outcome (accepted, rejected, refused_<status>). */
    public void ingress(String outcome, int count) {
        if (count > 0) {
            // counted for every request on the event loops: a lookup by name and tags there cost more than the count
            ingressCounters.computeIfAbsent(outcome, key -> counter("hub.ingress.events", "outcome", key)).increment(count);
        }
    }

    public void delivered(String type) {
        counter("hub.events", "type", type, "outcome", "delivered", "reason", "none").increment();
    }

    /** Events of a type delivered together (a coalesced change carries several). */
    public void delivered(String type, int count) {
        counter("hub.events", "type", type, "outcome", "delivered", "reason", "none").increment(count);
    }

    /** A property-only event merged into its user's pending change. */
    public void coalesced(String type) {
        counter("hub.coalesce.events", "type", type).increment();
    }

    /** Wootric calls that coalescing made unnecessary (a change of n events sent in one call saves n - 1). */
    public void callsSaved(int count) {
        if (count > 0) {
            counter("hub.coalesce.calls_saved").increment(count);
        }
    }

    public void skipped(String type, String reason) {
        counter("hub.events", "type", type, "outcome", "skipped", "reason", reason).increment();
    }

    public void skipped(String type, String reason, int count) {
        counter("hub.events", "type", type, "outcome", "skipped", "reason", reason).increment(count);
    }

    public void deadLettered(String type, String reason, int count) {
        counter("hub.events", "type", type, "outcome", "dead_lettered", "reason", reason).increment(count);
    }

    public void deadLettered(String type, String reason) {
        counter("hub.events", "type", type, "outcome", "dead_lettered", "reason", reason).increment();
    }

    public void parked(String type, String reason) {
        counter("hub.events", "type", type, "outcome", "parked", "reason", reason).increment();
    }

    public void wootricCall(String operation, String status) {
        counter("hub.wootric.calls", "operation", operation, "status", status).increment();
    }

    public void mappingWarning(String type, String reason) {
        counter("hub.mapping.warnings", "type", type, "reason", reason).increment();
    }

    public double count(String name, String... tags) {
        Counter c = registry().find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).register(registry());
    }
}
