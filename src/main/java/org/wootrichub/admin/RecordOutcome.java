package org.wootrichub.admin;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wootrichub.RegistryBean;

/**
 * The dispatch route's last step (delivery-errors' onCompletion): the finished event's record, made by the
 * {@link OutcomeLog}, handed to the {@link OutcomeWriter}. The exchange is left as it is, so the onCompletion runs on
 * the event's own exchange instead of a copy of it (a copy of a JMS exchange reads every JMS header again: 5% of a
 * dispatch consumer's samples, docs/benchmarks.md, session 7).
 *
 * <p>A record that cannot be made is logged and counted as dropped, never thrown: on the event's own exchange an
 * exception would reach the route's error handler and dead-letter (or roll back) an event that is already finished.
 * The outcome log is best effort already (its writer drops records when the broker cannot keep up).
 */
public final class RecordOutcome implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordOutcome.class);

    private final RegistryBean<OutcomeLog> log;
    private final RegistryBean<OutcomeWriter> writer;

    /** The outcome log and the outcome writer by their names in the registry (found on the first exchange). */
    public RecordOutcome(String log, String writer) {
        this.log = new RegistryBean<>(log, OutcomeLog.class);
        this.writer = new RegistryBean<>(writer, OutcomeWriter.class);
    }

    @Override
    public void process(Exchange exchange) {
        OutcomeWriter records = writer.in(exchange.getContext());
        try {
            OutcomeRecord record = log.in(exchange.getContext()).record(exchange);
            if (record != null) {
                records.write(record);
            }
        } catch (RuntimeException e) {
            // the class only: the message of a failure to write JSON may quote the event
            LOG.warn("An outcome record could not be made ({}); the event is finished without one", e.getClass().getName());
            records.notWritten();
        }
    }
}
