package dev.gemgate.domain.cache;

import java.time.Duration;

/**
 * How a tenant's answers are cached. {@code ttl}: how long a stored answer is served (zero: the tenant's requests are
 * never served from the cache nor stored). {@code cacheNonDeterministic}: also cache requests that are not
 * deterministic (a temperature other than an explicit 0); off by default, since two calls of such a request are meant
 * to differ.
 */
public record CachePolicy(Duration ttl, boolean cacheNonDeterministic) {
    /** The longest TTL a policy may set: answers go stale (models are updated behind the same name). */
    public static final Duration MAX_TTL = Duration.ofDays(30);
    /** No caching at all. */
    public static final CachePolicy OFF = new CachePolicy(Duration.ZERO, false);

    public CachePolicy {
        if (ttl == null || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a cache TTL is from 0s to " + MAX_TTL.toDays() + " days");
        }
        if (ttl.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("a cache TTL is whole milliseconds");
        }
    }

    public boolean enabled() {
        return !ttl.isZero();
    }
}
