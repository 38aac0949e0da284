package org.wootrichub.wootric;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Remembers the Wootric end-user id per Segment user key: bounded (least recently used out) and expiring. */
public class EndUserIdCache {

    private record Entry(String id, Instant expires) {
    }

    private final int maxSize;
    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries;

    public EndUserIdCache(int maxSize, Duration ttl, Clock clock) {
        this.maxSize = maxSize;
        this.ttl = ttl;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > EndUserIdCache.this.maxSize;
            }
        };
    }

    public synchronized String get(String userKey) {
        if (userKey == null || maxSize <= 0) {
            return null;
        }
        Entry entry = entries.get(userKey);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(userKey);
            return null;
        }
        return entry.id();
    }

    public synchronized void put(String userKey, String id) {
        if (userKey != null && id != null && maxSize > 0) {
            entries.put(userKey, new Entry(id, clock.instant().plus(ttl)));
        }
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
