package org.wootrichub.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wootrichub.wootric.EndUser;

/**
 * Remembers the Wootric end user per Segment user key, so a known user's call costs one request instead of a
 * lookup plus a request. Bounded (least recently used out) and expiring. The properties are remembered only as
 * long as {@code propertiesFreshness} allows: after that the end user is still known by id, but its properties are
 * looked up again before a merge, since other sources may have changed them.
 */
public class EndUserCache {

    private record Entry(EndUser user, Instant expires, Instant propertiesUntil) {
    }

    private final int maxSize;
    private final Duration ttl;
    private final Duration propertiesFreshness;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries;

    public EndUserCache(int maxSize, Duration ttl, Duration propertiesFreshness, Clock clock) {
        this.maxSize = maxSize;
        this.ttl = ttl;
        this.propertiesFreshness = propertiesFreshness;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > EndUserCache.this.maxSize;
            }
        };
    }

    /** The remembered end user, with {@code propertiesKnown} false once its properties are no longer fresh. */
    public synchronized EndUser get(String userKey) {
        if (userKey == null || maxSize <= 0) {
            return null;
        }
        Entry entry = entries.get(userKey);
        if (entry == null) {
            return null;
        }
        Instant now = clock.instant();
        if (!now.isBefore(entry.expires())) {
            entries.remove(userKey);
            return null;
        }
        EndUser user = entry.user();
        boolean fresh = user.propertiesKnown() && now.isBefore(entry.propertiesUntil());
        return fresh == user.propertiesKnown() ? user
                : new EndUser(user.id(), user.email(), user.externalId(), user.properties(), false);
    }

    public synchronized void put(String userKey, EndUser user) {
        if (userKey == null || user == null || maxSize <= 0) {
            return;
        }
        Instant now = clock.instant();
        Instant propertiesUntil = user.propertiesKnown() ? now.plus(propertiesFreshness) : now;
        entries.put(userKey, new Entry(user, now.plus(ttl), propertiesUntil));
    }

    public synchronized void remove(String userKey) {
        if (userKey != null) {
            entries.remove(userKey);
        }
    }

    public synchronized int size() {
        return entries.size();
    }
}
