package dev.gemgate.domain.fakes;

import dev.gemgate.domain.quota.PermitPool;
import dev.gemgate.domain.quota.PermitStore;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The fleet-wide permit pools in one process, as the PostgreSQL store keeps them: one lease (permits, expiry) per pool
 * and holder, a pool's permits in use being the sum of the leases live at the caller's {@code now}. Every call is
 * atomic (one monitor), so several limiters may share one store as replicas share one database. Counts its calls, so
 * tests can check the hot path stays off it.
 */
public final class InMemoryPermitStore implements PermitStore {
    private final Map<String, Map<String, LeaseRow>> pools = new HashMap<>();
    private long leaseCalls;
    private long giveBackCalls;

    private record LeaseRow(long permits, Instant expiresAt) {
    }

    @Override
    public synchronized long lease(PermitPool pool, String holder, long minimum, long wanted, Instant now,
                                   Instant expiresAt) {
        if (minimum < 1 || minimum > wanted) {
            throw new IllegalArgumentException("a lease needs 1 <= minimum <= wanted: " + minimum + ", " + wanted);
        }
        leaseCalls++;
        Map<String, LeaseRow> rows = pools.computeIfAbsent(pool.key(), k -> new HashMap<>());
        // like the PostgreSQL store: other holders' leases expired at the caller's now are dropped for good
        rows.entrySet().removeIf(e -> !e.getKey().equals(holder) && !e.getValue().expiresAt().isAfter(now));
        long used = inUse(pool.key(), now);
        LeaseRow own = rows.get(holder);
        long ownLive = own != null && own.expiresAt().isAfter(now) ? own.permits() : 0;
        long free = pool.limit() - used;
        long granted = free >= minimum ? Math.min(wanted, free) : 0;
        Instant expiry = own != null && own.expiresAt().isAfter(expiresAt) ? own.expiresAt() : expiresAt;
        rows.put(holder, new LeaseRow(ownLive + granted, expiry));
        return granted;
    }

    @Override
    public synchronized void giveBack(PermitPool pool, String holder, long permits, Instant now) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits given back cannot be negative: " + permits);
        }
        giveBackCalls++;
        Map<String, LeaseRow> rows = pools.get(pool.key());
        LeaseRow own = rows == null ? null : rows.get(holder);
        if (own != null && own.expiresAt().isAfter(now)) {
            rows.put(holder, new LeaseRow(Math.max(0, own.permits() - permits), own.expiresAt()));
        }
    }

    @Override
    public synchronized Set<String> renew(String holder, Instant now, Instant expiresAt) {
        Set<String> renewed = new HashSet<>();
        pools.forEach((key, rows) -> {
            LeaseRow own = rows.get(holder);
            if (own != null && own.permits() > 0 && own.expiresAt().isAfter(now)) {
                rows.put(holder, new LeaseRow(own.permits(),
                        own.expiresAt().isAfter(expiresAt) ? own.expiresAt() : expiresAt));
                renewed.add(key);
            }
        });
        return renewed;
    }

    /** The permits of {@code poolKey} the live leases hold at {@code now}, all holders together. */
    public synchronized long inUse(String poolKey, Instant now) {
        Map<String, LeaseRow> rows = pools.getOrDefault(poolKey, Map.of());
        return rows.values().stream().filter(r -> r.expiresAt().isAfter(now)).mapToLong(LeaseRow::permits).sum();
    }

    public synchronized long leaseCalls() {
        return leaseCalls;
    }

    public synchronized long giveBackCalls() {
        return giveBackCalls;
    }
}
