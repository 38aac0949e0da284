package org.wootrichub.broker;

/** Names of the hub's queues and of the message properties the hub puts on them. */
public final class HubQueues {

    /** Property that marks an event already validated and normalised by the hub's ingress. */
    public static final String NORMALISED = "hubNormalised";
    /** Segment call type of a normalised event. */
    public static final String SEGMENT_TYPE = "segmentType";
    /** Artemis duplicate detection: the event's messageId. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** Artemis scheduled delivery time (epoch millis), used to park an event for a later retry. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** JMS message group: one user's events go to one consumer, in order. */
    public static final String GROUP_ID = "JMSXGroupID";
    /**
     * The user key (userId, else anonymousId) as a plain property: Camel does not map JMSXGroupID back into a
     * header on consume, and holds need to know the user of a parked event.
     */
    public static final String USER_KEY = "hubUserKey";
    /** Why an event is on segment.rejected or wootric.dlq. */
    public static final String REASON = "hubReason";

    private HubQueues() {
    }
}
