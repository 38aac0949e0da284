package org.wootrichub.broker;

import jakarta.jms.JMSException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQIOErrorException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.LargeServerMessageImpl;
import org.apache.activemq.artemis.core.postoffice.PostOffice;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.LargeServerMessage;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;
import org.apache.activemq.artemis.reader.MessageUtil;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * Stores a group's events straight into the embedded broker's post office, in one broker transaction, on the writer's
 * own thread. A JMS session on the in-VM connector hands every send, its confirmation and the commit from thread to
 * thread on the way in and out; on two cores those hand-overs, not the journal's sync, were most of what a request
 * waited for (docs/benchmarks.md, session 13). The messages are the ones a JMS producer makes of a TextMessage (type,
 * body, JMSMessageID, timestamp, priority, JMSXGroupID), so the hub's JMS consumers and the admin API read them
 * unchanged; the broker's duplicate detection, paging and journal work as for a client's transaction.
 */
final class EmbeddedGroupSession implements GroupSession {

    private static final byte JMS_DEFAULT_PRIORITY = 4;
    /** What a text message's body and properties take beyond its text, to size its buffer at once. */
    private static final int MESSAGE_OVERHEAD_BYTES = 512;

    private final StorageManager storage;
    private final PostOffice postOffice;
    private final PagingManager paging;
    /** Where the completions of this session's commits run, one after another. */
    private final Executor completions;
    private final SimpleString events;
    private final SimpleString rejected;
    private Transaction transaction;
    /**
     * The open transaction's own context, which tracks its writes. Not one per session: a context completes a
     * callback once as many writes have finished as were started before it, whichever they were, and the page writer
     * may finish a later group's page write before the journal syncs an earlier group's commit. An I/O error also
     * stays on a context for good.
     */
    private OperationContext context;

    EmbeddedGroupSession(ActiveMQServer server, QueueNames queues) {
        this.storage = server.getStorageManager();
        this.postOffice = server.getPostOffice();
        this.paging = server.getPagingManager();
        this.completions = server.getExecutorFactory().getExecutor();
        this.events = SimpleString.of(queues.events());
        this.rejected = SimpleString.of(queues.rejected());
    }

    @Override
    public void sendRejected(RejectedEvent event) throws JMSException {
        CoreMessage message = textMessage(rejected, event.json());
        MessageUtil.setStringProperty(message, HubHeaders.REASON, event.reason());
        route(message);
    }

    @Override
    public void sendQueued(QueuedEvent event) throws JMSException {
        CoreMessage message = textMessage(events, event.json());
        HubHeaders.stampQueuedEvent((name, value) -> MessageUtil.setStringProperty(message, name, value), event.type(),
                event.userKey(), event.messageId());
        route(message);
    }

    private CoreMessage textMessage(SimpleString address, String text) {
        CoreMessage message = new CoreMessage(storage.generateID(), text.length() * 2 + MESSAGE_OVERHEAD_BYTES);
        message.setType(Message.TEXT_TYPE);
        message.setDurable(true);
        message.setPriority(JMS_DEFAULT_PRIORITY);
        message.setTimestamp(System.currentTimeMillis());
        message.setUserID(UUIDGenerator.getInstance().generateUUID());
        message.setAddress(address);
        message.setRoutingType(RoutingType.ANYCAST);
        // how ActiveMQTextMessage writes its text, and reads it back on the consumer's side
        message.getBodyBuffer().writeNullableSimpleString(SimpleString.of(text));
        return message;
    }

    private void route(CoreMessage text) throws JMSException {
        if (paging.isDiskFull()) {
            // a client's producer would be held back by the broker's flow control until the disk has room; the
            // request is answered as not stored at once instead (the client retries)
            throw new JMSException("the broker's disk is full (past its max-disk-usage)");
        }
        if (transaction == null) {
            context = storage.newContext(completions);
            transaction = new TransactionImpl(storage);
        }
        storage.setContext(context);
        Message message = text;
        try {
            // what the server session does with a client's message: one too large for a journal record (a rejected
            // batch's original body) is kept as a large message, in a file of its own
            message = LargeServerMessageImpl.checkLargeMessage(text, storage);
            RoutingStatus status = postOffice.route(message, transaction, false);
            if (status != RoutingStatus.OK && status != RoutingStatus.DUPLICATED_ID) {
                // a duplicate has marked the transaction rollback-only, and its commit says so; anything else
                // (no queue bound to the address) would drop the event without a word
                throw new JMSException("the broker did not route an event to " + message.getAddress() + ": " + status);
            }
        } catch (JMSException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof ActiveMQIOErrorException && message instanceof LargeServerMessage large) {
                deleteQuietly(large);
            }
            throw jmsException(e);
        } finally {
            storage.clearContext();
        }
    }

    @Override
    public CompletableFuture<Void> commit() throws JMSException {
        Transaction committing = transaction;
        transaction = null;
        if (committing == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stored = new CompletableFuture<>();
        OperationContext committed = context;
        storage.setContext(committed);
        try {
            committing.commit();
            // called once the journal has synced the commit and the transaction's other writes (its page writes)
            storage.afterCompleteOperations(new IOCallback() {
                @Override
                public void done() {
                    stored.complete(null);
                }

                @Override
                public void onError(int errorCode, String errorMessage) {
                    stored.completeExceptionally(new JMSException("the broker's journal failed (" + errorCode + "): " + errorMessage));
                }
            });
        } catch (Exception | Error e) {
            if (committing.getState() == Transaction.State.ACTIVE) {
                // failed before its commit record was written: nothing of it is stored, and it holds broker memory
                committing.tryRollback();
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw jmsException(e);
        } finally {
            storage.clearContext();
        }
        return stored;
    }

    @Override
    public void rollbackQuietly() {
        Transaction dropped = transaction;
        transaction = null;
        if (dropped == null) {
            return;
        }
        storage.setContext(context);
        try {
            dropped.rollback();
        } catch (Exception ignored) {
            // nothing of the transaction is stored either way
        } finally {
            storage.clearContext();
        }
    }

    @Override
    public void close() {
        rollbackQuietly();
    }

    private static void deleteQuietly(LargeServerMessage large) {
        try {
            large.deleteFile();
        } catch (Exception ignored) {
            // the broker's own clean-up of orphaned large-message files removes it at the next start
        }
    }

    /** Keeps the broker's exception as the cause: {@link EventPublisher#rolledBack} looks for it there. */
    private static JMSException jmsException(Throwable e) {
        // not a duplicate's message: Artemis writes the whole duplicate message into it
        String what = e instanceof ActiveMQDuplicateIdException ? "a duplicate id rolled the transaction back"
                : e instanceof ActiveMQException a ? a.getType() + ": " + a.getMessage() : String.valueOf(e);
        JMSException jms = new JMSException(what);
        jms.initCause(e);
        return jms;
    }
}
