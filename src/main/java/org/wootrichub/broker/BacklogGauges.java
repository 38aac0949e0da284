package org.wootrichub.broker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.jms.JMSSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind the hub is, read from the broker itself, so the figures are right with the embedded broker and with
 * an external one shared by several hubs: messages waiting on each of the hub's queues, parked (scheduled) events,
 * and the age of the oldest event waiting on the events queue. The broker is asked at most once per
 * {@code refreshMillis}, whatever the scrape rate; a figure the broker cannot give is NaN. The same read tells
 * whether the broker can be reached ({@code hub_broker_up}), which nothing else the hub exports shows while no events
 * come (an ingress write that fails is a 503 to a client, and NaN figures also mean a missing manage permission).
 */
public class BacklogGauges implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

    private final BrokerManagement broker;
    private final QueueNames queues;
    private final long refreshMillis;
    private final LongSupplier clock;
    private Map<String, Double> figures = Map.of();
    private boolean answered;
    private long readAt;

    public BacklogGauges(BrokerManagement broker, QueueNames queues, long refreshMillis, LongSupplier clock) {
        this.broker = broker;
        this.queues = queues;
        this.refreshMillis = refreshMillis;
        this.clock = clock;
        this.readAt = clock.getAsLong() - refreshMillis;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String queue : new String[] {queues.events(), queues.rejected(), queues.deadLetters()}) {
            gauge(registry, "hub.queue.messages", queue, "messages waiting on the queue (parked ones included)", "messageCount");
        }
        gauge(registry, "hub.queue.parked", queues.events(), "parked events waiting for their scheduled retry", "scheduledCount");
        Gauge.builder("hub.queue.oldest.age.seconds", this, gauges -> gauges.figure(queues.events(), "firstMessageAge") / 1000)
                .tag("queue", queues.events())
                .description("age of the oldest event waiting on the events queue (0 when none waits)")
                .register(registry);
        Gauge.builder("hub.broker.up", this, gauges -> gauges.brokerAnswered() ? 1 : 0)
                .description("1 when the broker answered the hub's last request for the backlog figures, 0 when it could not be reached")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String queue, String description, String attribute) {
        Gauge.builder(name, this, gauges -> gauges.figure(queue, attribute)).tag("queue", queue).description(description)
                .register(registry);
    }

    private synchronized double figure(String queue, String attribute) {
        refreshWhenOld();
        return figures.getOrDefault(queue + "/" + attribute, Double.NaN);
    }

    private synchronized boolean brokerAnswered() {
        refreshWhenOld();
        return answered;
    }

    private void refreshWhenOld() {
        long now = clock.getAsLong();
        if (now - readAt >= refreshMillis) {
            figures = read();
            readAt = now;
        }
    }

    private Map<String, Double> read() {
        Map<String, Double> read = new HashMap<>();
        try {
            for (String queue : new String[] {queues.events(), queues.rejected(), queues.deadLetters()}) {
                read.put(queue + "/messageCount", number(broker.queueAttribute(queue, "messageCount")));
            }
            read.put(queues.events() + "/scheduledCount", number(broker.queueAttribute(queues.events(), "scheduledCount")));
            read.put(queues.events() + "/firstMessageAge", number(broker.queueAttribute(queues.events(), "firstMessageAge")));
            answered = true;
        } catch (JMSSecurityException | BrokerManagement.Refused e) {
            // reachable, but the hub's user lacks the manage permission: a configuration fault, not an outage
            answered = true;
            LOG.debug("the broker refused the backlog figures: {}", e.getMessage());
        } catch (Exception e) {
            answered = false;
            LOG.debug("the broker did not give the backlog figures: {}", e.getMessage());
        }
        return read;
    }

    private static double number(Object value) {
        // an empty queue has no first message: its age is 0
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
