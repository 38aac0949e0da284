package org.wootrichub.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * Address settings of the hub's queues. The same values are written in docker/artemis/broker.xml for an external
 * broker; keep the two in step.
 */
public final class BrokerSettings {

    /** Last-resort address for what the broker itself gives up on (rollbacks past max attempts on the DLQ). */
    public static final String FINAL_DEAD_LETTER_ADDRESS = "hub.dla";

    /** What the events queue keeps in memory before it pages: the head of a backlog, which the consumers read. */
    public static final long EVENTS_IN_MEMORY_BYTES = 32L * 1024 * 1024;
    /**
     * What each other paging queue of the hub (rejected events, dead letters, the final dead-letter address, the
     * outcome log) keeps in memory: they are browsed or rarely consumed, and what they keep is taken from the pending
     * queue's share of the broker's memory (see {@link #forPendingQueue}).
     */
    public static final long HUB_QUEUE_IN_MEMORY_BYTES = 8L * 1024 * 1024;
    /** The paging queues: the events queue and these four. */
    public static final int PAGING_HUB_QUEUES = 4;

    private BrokerSettings() {
    }

    /**
     * Rollbacks on the events queue are infrastructure failures (a dead letter could not be written, the process
     * stopped mid-delivery, a transaction rolled back on failover): the broker retries them and, past the attempts,
     * moves the event to the DLQ rather than dropping it. It retries at once, with no redelivery delay: a rolled-back
     * event goes back to the head of the queue, before its user's later events, while a delayed one is scheduled and
     * those events pass it (ReplicatedBrokerFaultIT saw a user's events delivered out of order after a failover).
     */
    public static AddressSettings forEventsQueue(QueueNames queues) {
        return common(EVENTS_IN_MEMORY_BYTES).setDeadLetterAddress(SimpleString.of(queues.deadLetters()))
                .setMaxDeliveryAttempts(50)
                .setRedeliveryDelay(0);
    }

    public static AddressSettings forHubQueue() {
        return common(HUB_QUEUE_IN_MEMORY_BYTES).setDeadLetterAddress(SimpleString.of(FINAL_DEAD_LETTER_ADDRESS))
                .setMaxDeliveryAttempts(50)
                .setRedeliveryDelay(1000);
    }

    /**
     * The pending queue never pages. Artemis keeps a last-value queue's one-message-per-key only for messages in
     * memory: once an address pages, a user's newer change lands beside the older ones instead of replacing them, and
     * a consumer selecting one user's message cannot reach the page files behind the other users' messages (both seen
     * in PendingQueuePagingTest). So it has no bound of its own (it holds one message per user with pending changes,
     * as the hub's memory does) and takes what the paging queues leave of the broker's global memory (half the heap):
     * they keep at most 32 + 4 x 8 = 64 MB together, so 64 MB or more is the pending queue's under bin/wootric-hub's
     * 256 MB heap. Only when pending changes themselves fill it do their writers wait (BLOCK), and the flushes that
     * send them free it; were the other queues able to fill the global memory, the dispatch consumers would wait on a
     * pending write for good while the backlog holding that memory waited for them.
     */
    public static AddressSettings forPendingQueue() {
        return forHubQueue().setMaxSizeBytes(-1L).setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK);
    }

    private static AddressSettings common(long inMemoryBytes) {
        // A backlog pages to disk instead of filling the heap.
        return new AddressSettings()
                .setMaxSizeBytes(inMemoryBytes)
                .setPageSizeBytes(4 * 1024 * 1024)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setAutoCreateDeadLetterResources(false)
                .setExpiryAddress(SimpleString.of(FINAL_DEAD_LETTER_ADDRESS));
    }
}
