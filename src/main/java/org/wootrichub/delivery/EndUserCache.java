package org.wootrichub.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.wootrichub.wootric.EndUser;

/**
 * Remembers the Wootric end user per Segment user key, so a known user's call costs one request instead of a
 * lookup plus a request. Bounded and expiring (Caffeine: no global lock between the dispatch consumers). The
 * properties are remembered only as long as {@code propertiesFreshness} allows: after that the end user is still
 * known by id, but its properties are looked up again before a merge, since other sources may have changed them.
 * As a {@link MeterBinder} it publishes its size, hits, misses and evictions, and its hit ratio.
 */
public class EndUserCache implements MeterBinder {

    private record Entry(EndUser user, Instant propertiesUntil) {
    }

    /** Entries of a scratch copy's own are this many at most. */
    private static final int SCRATCH_SIZE = 10_000;

    private final Duration propertiesFreshness;
    private final Clock clock;
    private final Cache<String, Entry> entries;
    /** The cache a scratch copy reads through to (without touching it), or null. */
    private final EndUserCache original;
    /** User keys a scratch copy has forgotten, which it no longer reads from the original. */
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();

    public EndUserCache(int maxSize, Duration ttl, Duration propertiesFreshness, Clock clock) {
        this.propertiesFreshness = propertiesFreshness;
        this.clock = clock;
        this.original = null;
        this.entries = Caffeine.newBuilder()
                .maximumSize(Math.max(0, maxSize))
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // evictions happen on the caller's thread, so the bound holds as soon as a put returns
                .executor(Runnable::run)
                .recordStats()
                .build();
    }

    private EndUserCache(EndUserCache original) {
        this.propertiesFreshness = original.propertiesFreshness;
        this.clock = original.clock;
        this.original = original;
        this.entries = Caffeine.newBuilder().maximumSize(SCRATCH_SIZE).executor(Runnable::run).build();
    }

    /**
     * A scratch copy: it reads what this cache remembers, without changing it or its statistics, and keeps what is
     * put into it or removed from it to itself (the preview runs plans on one).
     */
    public EndUserCache scratchCopy() {
        return new EndUserCache(this);
    }

    /** The remembered end user, with {@code propertiesKnown} false once its properties are no longer fresh. */
    public EndUser get(String userKey) {
        if (userKey == null) {
            return null;
        }
        Entry entry = entries.getIfPresent(userKey);
        if (entry == null && original != null && !forgotten.contains(userKey)) {
            entry = original.entries.policy().getIfPresentQuietly(userKey);
        }
        if (entry == null) {
            return null;
        }
        EndUser user = entry.user();
        boolean fresh = user.propertiesKnown() && clock.instant().isBefore(entry.propertiesUntil());
        return fresh == user.propertiesKnown() ? user
                : new EndUser(user.id(), user.email(), user.externalId(), user.properties(), false);
    }

    public void put(String userKey, EndUser user) {
        if (userKey == null || user == null) {
            return;
        }
        Instant now = clock.instant();
        entries.put(userKey, new Entry(user, user.propertiesKnown() ? now.plus(propertiesFreshness) : now));
        forgotten.remove(userKey);
    }

    public void remove(String userKey) {
        if (userKey != null) {
            entries.invalidate(userKey);
            if (original != null) {
                forgotten.add(userKey);
            }
        }
    }

    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, entries, "hub.end_user_cache");
        Gauge.builder("hub.end_user_cache.hit_ratio", entries, cache -> cache.stats().hitRate())
                .description("share of end-user lookups answered from the cache since start")
                .register(registry);
    }
}
