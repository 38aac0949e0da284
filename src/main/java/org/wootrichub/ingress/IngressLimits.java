package org.wootrichub.ingress;

/** Segment's Tracking API limits: per event, per request (decompressed), events per batch. */
public record IngressLimits(int maxEventBytes, int maxRequestBytes, int maxBatchEvents) {

    public static final IngressLimits SEGMENT = new IngressLimits(32 * 1024, 500 * 1024, 2500);
}
