package org.wootrichub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.wootrichub.wootric.EndUser;

/** wootric-mapping.md, "API calls per event": a bounded, expiring cache whose properties stay fresh only so long. */
class EndUserCacheTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration FRESHNESS = Duration.ofMinutes(5);

    private final TestClock clock = new TestClock(Instant.parse("2024-05-01T10:00:00Z"));

    private EndUserCache cache(int maxSize) {
        return new EndUserCache(maxSize, TTL, FRESHNESS, clock);
    }

    private static EndUser user(String id) {
        return new EndUser(id, id + "@example.com", "ext-" + id, Map.of("plan", "pro"), true);
    }

    @Test
    void remembersAndForgetsAnEndUser() {
        EndUserCache cache = cache(10);
        assertThat(cache.get("u1")).isNull();

        cache.put("u1", user("7"));
        assertThat(cache.get("u1")).isEqualTo(user("7"));
        assertThat(cache.size()).isEqualTo(1);

        cache.remove("u1");
        assertThat(cache.get("u1")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aLaterPutReplacesTheEntry() {
        EndUserCache cache = cache(10);
        cache.put("u1", user("7"));
        cache.put("u1", user("8"));
        assertThat(cache.get("u1").id()).isEqualTo("8");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void boundedLeastRecentlyUsedGoesFirst() {
        EndUserCache cache = cache(2);
        cache.put("a", user("1"));
        cache.put("b", user("2"));
        // reading a makes b the least recently used
        assertThat(cache.get("a")).isNotNull();
        cache.put("c", user("3"));

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).as("least recently used, evicted").isNull();
        assertThat(cache.get("a")).isNotNull();
        assertThat(cache.get("c")).isNotNull();
    }

    @Test
    void boundedNeverHoldsMoreThanMaxSize() {
        EndUserCache cache = cache(3);
        for (int i = 0; i < 50; i++) {
            cache.put("u" + i, user(Integer.toString(i)));
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get("u49")).isNotNull();
        assertThat(cache.get("u46")).isNull();
    }

    @Test
    void entriesExpireAfterTheTtl() {
        EndUserCache cache = cache(10);
        cache.put("u1", user("7"));

        clock.advance(TTL.minusSeconds(1));
        assertThat(cache.get("u1")).as("just before expiry").isNotNull();

        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("u1")).as("at expiry").isNull();
        assertThat(cache.size()).as("an expired entry is dropped").isZero();
    }

    @Test
    void aPutRestartsTheTtl() {
        EndUserCache cache = cache(10);
        cache.put("u1", user("7"));
        clock.advance(Duration.ofMinutes(50));
        cache.put("u1", user("7"));
        clock.advance(Duration.ofMinutes(50));
        assertThat(cache.get("u1")).isNotNull();
    }

    @Test
    void propertiesAreKnownOnlyWhileFresh() {
        EndUserCache cache = cache(10);
        cache.put("u1", user("7"));

        clock.advance(FRESHNESS.minusSeconds(1));
        EndUser fresh = cache.get("u1");
        assertThat(fresh.propertiesKnown()).as("still fresh").isTrue();

        clock.advance(Duration.ofSeconds(1));
        EndUser stale = cache.get("u1");
        assertThat(stale).as("the id is still remembered").isNotNull();
        assertThat(stale.propertiesKnown()).as("properties no longer fresh").isFalse();
        assertThat(stale.id()).isEqualTo("7");
        assertThat(stale.email()).isEqualTo("7@example.com");
        assertThat(stale.externalId()).isEqualTo("ext-7");
    }

    @Test
    void freshPropertiesAgainAfterAPutOfAKnownSet() {
        EndUserCache cache = cache(10);
        cache.put("u1", user("7"));
        clock.advance(FRESHNESS.plusMinutes(1));
        assertThat(cache.get("u1").propertiesKnown()).isFalse();

        cache.put("u1", user("7"));
        assertThat(cache.get("u1").propertiesKnown()).isTrue();
    }

    @Test
    void anEndUserPutWithUnknownPropertiesStaysUnknown() {
        EndUserCache cache = cache(10);
        cache.put("u1", new EndUser("7", null, "u1", Map.of(), false));
        assertThat(cache.get("u1").propertiesKnown()).isFalse();
    }

    @Test
    void zeroSizeRemembersNothing() {
        EndUserCache cache = cache(0);
        cache.put("u1", user("7"));
        assertThat(cache.get("u1")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void nullKeysAndUsersAreIgnored() {
        EndUserCache cache = cache(10);
        cache.put(null, user("7"));
        cache.put("u1", null);
        cache.remove(null);
        assertThat(cache.get(null)).isNull();
        assertThat(cache.get("u1")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void publishesItsHitRatioAndSize() {
        EndUserCache cache = cache(10);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        cache.bindTo(registry);
        assertThat(cache.get("u1")).isNull();
        cache.put("u1", user("7"));
        assertThat(cache.get("u1")).isNotNull();
        assertThat(registry.get("hub.end_user_cache.hit_ratio").gauge().value()).isEqualTo(0.5);
        assertThat(registry.get("cache.gets").tag("cache", "hub.end_user_cache").tag("result", "hit").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get("cache.size").tag("cache", "hub.end_user_cache").gauge().value()).isEqualTo(1);
    }

    @Test
    void aScratchCopyReadsTheCacheButKeepsItsChangesToItself() {
        EndUserCache cache = cache(10);
        cache.put("u1", user("7"));
        cache.put("u2", user("9"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        double gets = registry.get("cache.gets").functionCounters().stream().mapToDouble(c -> c.count()).sum();

        EndUserCache scratch = cache.scratchCopy();
        assertThat(scratch.get("u1")).isEqualTo(user("7"));
        scratch.put("u1", user("8"));
        scratch.put("u3", user("10"));
        scratch.remove("u2");
        assertThat(scratch.get("u1")).isEqualTo(user("8"));
        assertThat(scratch.get("u2")).isNull();
        assertThat(scratch.get("u3")).isEqualTo(user("10"));

        assertThat(cache.get("u1")).isEqualTo(user("7"));
        assertThat(cache.get("u2")).isEqualTo(user("9"));
        assertThat(cache.get("u3")).isNull();
        // the copy's reads are not counted as the cache's hits or misses (only the three gets above are)
        assertThat(registry.get("cache.gets").functionCounters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(gets + 3);
    }
}
