package org.wootrichub.broker;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Artemis broker the hub runs in its own process when no external broker is configured. Its journal lives in
 * the data folder, so events queued before a stop or a crash are there after the next start.
 */
public class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    public static final String VM_URL = "vm://0";
    /** Also in docker/artemis/broker.xml (journal-buffer-timeout), for the external broker. */
    static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 500_000;

    private final Path dataDir;
    private final QueueNames queues;
    private final int duplicateIdCacheSize;
    private final int tcpPort;
    private final long outcomesMax;
    private final AtomicLong duplicates = new AtomicLong();
    private volatile EmbeddedActiveMQ server;

    /**
     * @param tcpPort a port for an extra TCP acceptor on 127.0.0.1 (tools, benchmarks), or 0 for none
     * @param outcomesMax the ring size of the outcome log: past it, the oldest record goes
     */
    public EmbeddedBroker(Path dataDir, QueueNames queues, int duplicateIdCacheSize, int tcpPort, long outcomesMax) {
        this.dataDir = dataDir;
        this.queues = queues;
        this.duplicateIdCacheSize = duplicateIdCacheSize;
        this.tcpPort = tcpPort;
        this.outcomesMax = outcomesMax;
    }

    @Override
    protected void doStart() throws Exception {
        Path broker = dataDir.resolve("broker");
        Configuration config = new ConfigurationImpl()
                .setName("wootric-hub")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                // how long the journal gathers writes before one sync: Artemis's NIO default (3.3 ms) is most of what
                // a consumer's commit waits for, and the dispatch consumers commit each event; 0.5 ms (its AIO default)
                // delivered 15% more events per second end to end (docs/benchmarks.md, issue 13)
                .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS)
                .setJournalDirectory(broker.resolve("journal").toString())
                .setBindingsDirectory(broker.resolve("bindings").toString())
                .setPagingDirectory(broker.resolve("paging").toString())
                .setLargeMessagesDirectory(broker.resolve("large-messages").toString())
                // one scheduler thread fires parked events strictly in their scheduled order (UserHolds relies on it)
                .setScheduledThreadPoolMaxSize(1)
                .setIDCacheSize(duplicateIdCacheSize)
                .setPersistIDCache(true);
        config.addAcceptorConfiguration("in-vm", VM_URL);
        if (tcpPort > 0) {
            config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + tcpPort);
        }
        config.addAddressSetting(queues.events(), BrokerSettings.forEventsQueue(queues));
        for (String name : new String[] {queues.rejected(), queues.deadLetters(), BrokerSettings.FINAL_DEAD_LETTER_ADDRESS, QueueNames.OUTCOMES}) {
            config.addAddressSetting(name, BrokerSettings.forHubQueue());
        }
        config.addAddressSetting(queues.pending(), BrokerSettings.forPendingQueue());
        for (String name : new String[] {queues.events(), queues.rejected(), queues.deadLetters(), BrokerSettings.FINAL_DEAD_LETTER_ADDRESS}) {
            config.addQueueConfiguration(QueueConfiguration.of(name).setAddress(name)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        // the outcome log: a ring, the oldest record goes when a new one would pass the bound
        config.addQueueConfiguration(QueueConfiguration.of(QueueNames.OUTCOMES).setAddress(QueueNames.OUTCOMES)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true).setRingSize(outcomesMax));
        config.registerBrokerPlugin(new DuplicateCounter());
        // one message per user: a new merged state of the user's pending changes replaces the last one
        config.addQueueConfiguration(QueueConfiguration.of(queues.pending()).setAddress(queues.pending())
                .setRoutingType(RoutingType.ANYCAST).setDurable(true).setLastValue(true).setLastValueKey(HubHeaders.USER_KEY));
        server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        if (!server.getActiveMQServer().isActive()) {
            // Artemis logs a failed start (an acceptor's port in use, say) and returns: the hub would wait for it for good
            server.stop();
            throw new IllegalStateException("The embedded Artemis broker did not start (its errors are logged above)"
                    + (tcpPort > 0 ? "; another program may be using port " + tcpPort + " (HUB_BROKER_EMBEDDED_TCP_PORT)" : ""));
        }
        LOG.info("Embedded Artemis broker started, journal in {}", broker.toAbsolutePath());
    }

    /**
     * A session that stores groups of events straight into this broker, without a client connection; null when the
     * broker is not running.
     */
    public GroupSession groupSession() {
        ActiveMQServer running = activeServer();
        return running == null ? null : new EmbeddedGroupSession(running, queues);
    }

    /** The running broker, or null. */
    ActiveMQServer activeServer() {
        EmbeddedActiveMQ running = server;
        return running == null ? null : running.getActiveMQServer();
    }

    /** Events the broker dropped as duplicates (same messageId within the duplicate-detection window) since start. */
    public long duplicates() {
        return duplicates.get();
    }

    /**
     * Whether the events queue has stored an event with this duplicate id (within the duplicate-detection window):
     * the publisher asks before it sends, because in a transaction a duplicate would roll back the events sent with
     * it. A duplicate found here is counted with the broker's own.
     */
    public boolean storedOnEventsQueue(String duplicateId) {
        EmbeddedActiveMQ running = server;
        if (running == null) {
            return false;
        }
        boolean stored = running.getActiveMQServer().getPostOffice().getDuplicateIDCache(SimpleString.of(queues.events()))
                .contains(SimpleString.of(duplicateId).getData());
        if (stored) {
            LOG.debug("A duplicate event was not stored again (its messageId was stored before); {} since start",
                    duplicates.incrementAndGet());
        }
        return stored;
    }

    /**
     * Artemis logs each dropped duplicate at WARN with the whole message, user data included, and a client that
     * retries after a lost reply causes one; log4j2.properties drops that line (AMQ222059) and this counts them
     * instead, at DEBUG, without anything from the event.
     */
    private final class DuplicateCounter implements ActiveMQServerMessagePlugin {
        @Override
        public void afterSend(Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue, RoutingStatus result) {
            if (result == RoutingStatus.DUPLICATED_ID) {
                LOG.debug("The broker dropped a duplicate event (its messageId was stored before); {} since start",
                        duplicates.incrementAndGet());
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
            LOG.info("Embedded Artemis broker stopped");
        }
    }
}
