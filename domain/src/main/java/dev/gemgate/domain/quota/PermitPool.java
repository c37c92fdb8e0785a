package dev.gemgate.domain.quota;

import java.util.Objects;

/**
 * One concurrency limit's fleet-wide pool of permits (requests in flight at once): its key (which limit of whom, e.g.
 * {@code tenant:<id>:concurrent}) and its limit.
 *
 * @param key   stable and unique per limit and scope; at most 200 characters
 * @param limit how many requests may be in flight at once across the fleet; at least 1
 */
public record PermitPool(String key, long limit) {
    public PermitPool {
        Objects.requireNonNull(key, "key");
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("a permit pool key is 1 to 200 characters");
        }
        if (limit < 1 || limit > RateLimits.MAX) {
            throw new IllegalArgumentException("a concurrency limit is from 1 to " + RateLimits.MAX + ": " + limit);
        }
    }
}
