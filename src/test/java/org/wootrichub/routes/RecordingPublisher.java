package org.wootrichub.routes;

import jakarta.jms.JMSException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.wootrichub.broker.EventPublisher;
import org.wootrichub.broker.IntakeResult;
import org.wootrichub.observe.HubMetrics;

/** Stands in for the broker behind the eventPublisher bean: records what a route publishes, or fails as the broker would. */
class RecordingPublisher extends EventPublisher {

    private final List<IntakeResult> published = new CopyOnWriteArrayList<>();
    private static final Executor WRITER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "recording-writer");
        thread.setDaemon(true);
        return thread;
    });

    private final List<String> storingThreads = new CopyOnWriteArrayList<>();
    private volatile boolean brokerDown;
    private volatile RuntimeException bug;
    private volatile CompletableFuture<Void> gate;

    RecordingPublisher() {
        super(null, null, HubMetrics.inMemory());
    }

    /** Answers from a thread of its own, as the publisher's writers do once the broker has stored a group. */
    @Override
    protected CompletableFuture<Void> store(IntakeResult result) {
        storingThreads.add(Thread.currentThread().getName());
        if (bug != null) {
            throw bug;
        }
        if (brokerDown) {
            return CompletableFuture.failedFuture(new JMSException("connection refused"));
        }
        published.add(result);
        CompletableFuture<Void> held = gate;
        return held == null ? CompletableFuture.runAsync(() -> { }, WRITER) : held.thenRunAsync(() -> { }, WRITER);
    }

    /** The threads the route asked to store on. */
    List<String> storingThreads() {
        return storingThreads;
    }

    List<IntakeResult> published() {
        return published;
    }

    void brokerDown(boolean down) {
        brokerDown = down;
    }

    /** The stores from now on are done only when {@link #release()} is called, as with a broker slow to sync. */
    void holdStores() {
        gate = new CompletableFuture<>();
    }

    void release() {
        CompletableFuture<Void> held = gate;
        if (held != null) {
            held.complete(null);
        }
    }

    /** The next stores fail as a bug would, with this exception. */
    void failWith(RuntimeException bug) {
        this.bug = bug;
    }

    void reset() {
        release();
        gate = null;
        published.clear();
        storingThreads.clear();
        brokerDown = false;
        bug = null;
    }
}
