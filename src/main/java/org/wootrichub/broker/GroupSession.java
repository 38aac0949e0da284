package org.wootrichub.broker;

import jakarta.jms.JMSException;
import java.util.concurrent.CompletableFuture;

/**
 * A writer's session on the broker: the events of a group of requests are sent into one transaction and committed
 * together. {@link EventPublisher} decides what is sent (it leaves out duplicates); a session only stores.
 */
public interface GroupSession {

    void sendRejected(RejectedEvent event) throws JMSException;

    void sendQueued(QueuedEvent event) throws JMSException;

    /**
     * Commits what was sent since the last commit; the future completes once it is stored, or fails (then it is not).
     * A transaction the broker rolled back (a duplicate id in it, a failover) throws here, with an exception
     * {@link EventPublisher#rolledBack} recognises; nothing of it is stored. A JMS session returns once stored; the
     * embedded broker's as soon as the commit is in the journal's hands, so its writer can go on with the next group.
     */
    CompletableFuture<Void> commit() throws JMSException;

    /** Drops what was sent since the last commit; failures are ignored (the session is closed next). */
    void rollbackQuietly();

    void close();
}
