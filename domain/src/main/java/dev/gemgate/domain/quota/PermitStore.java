package dev.gemgate.domain.quota;

import java.time.Instant;
import java.util.Set;

/**
 * Port: the fleet-wide pools of concurrency permits, kept where every replica sees them (PostgreSQL). A replica
 * ({@code holder}, a stable id per running instance) holds one <em>lease</em> per pool: a count of permits and an
 * expiry. A pool's permits in use are the sum of its <em>live</em> leases (expiry after {@code now}); an expired lease
 * no longer counts, so the permits of a crashed replica come back once its lease expires. A live replica keeps its
 * leases by {@link #renew renewing} them well before they expire.
 *
 * <p>Each call is one atomic step (one statement, or one short transaction holding the pool's row lock), so no two
 * replicas are ever granted the same permit. Time is always the caller's {@code now} (the application's clock): the
 * store never reads its own clock, and a lease counts as live for a caller exactly when its expiry is after the
 * caller's {@code now}.
 */
public interface PermitStore {
    /**
     * Adds between {@code minimum} and {@code wanted} permits of {@code pool} to {@code holder}'s lease: as many as the
     * pool has free up to {@code wanted}, or none if it has fewer than {@code minimum} free. Free = the limit minus every
     * live lease, the holder's own included. The holder's lease afterwards holds its live permits plus the grant (a
     * lease of the holder that had expired is replaced, not added to) and expires at {@code expiresAt} or later. A pool
     * is created on first use; a pool whose limit changed takes the new limit at once (leases above it stay until
     * given back, and nothing is granted until the pool is below it).
     *
     * @param minimum at least 1, at most {@code wanted}
     * @return the permits granted: 0, or {@code minimum} to {@code wanted}
     */
    long lease(PermitPool pool, String holder, long minimum, long wanted, Instant now, Instant expiresAt);

    /** Takes {@code permits} off {@code holder}'s live lease of {@code pool} (never below 0; nothing if it expired). */
    void giveBack(PermitPool pool, String holder, long permits, Instant now);

    /**
     * Moves the expiry of every live lease of {@code holder} that holds permits to {@code expiresAt} (never earlier).
     *
     * @return the keys of the pools whose lease was renewed; a lease that had expired by {@code now} is not renewed
     *         (its permits may already be someone else's)
     */
    Set<String> renew(String holder, Instant now, Instant expiresAt);
}
