package dev.gemgate.domain.quota;

import dev.gemgate.domain.common.Failures;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A {@link QuotaLimiter} that adds the concurrency limits (requests in flight at once, per tenant, per tenant x model
 * and per API key: {@link RateLimits#concurrentRequests()}) to another limiter's rate limits, correctly across
 * replicas, with the hot path mostly off the shared {@link PermitStore}.
 *
 * <h2>Admission</h2>
 * A request that names a model takes one permit of each concurrency limit that applies (tenant, tenant x model, key),
 * then the rate limits of the wrapped limiter. A permit refused is {@link QuotaDecision.Refused} naming the limit
 * ({@code ConcurrentRequestsPerTenant}, {@code ConcurrentRequestsPerTenantPerModel}, {@code ConcurrentRequestsPerApiKey})
 * with {@link Settings#retryAfter()}: a fixed hint, since no one can know when a request in flight will end (a rate
 * limit's retry-after is exact; this one is not, and says so). A refusal by either side gives back what the other took:
 * permits refused take no rate allowance; rates refused return the permits. Model reads ({@link QuotaRequest#modelRead})
 * take no permit: they finish at once, so they never hold one.
 *
 * <h2>Return</h2>
 * The permits ride on the {@link QuotaTicket} ({@link HeldPermits}) and go back when the request finishes:
 * {@link QuotaLimiter#finish}, called by the ticket's single close (settle, fail, abandon; a stream at its end),
 * exactly once.
 *
 * <h2>Leases</h2>
 * Each instance ({@code holder}) leases permits from the fleet-wide pool of each limit in slices
 * ({@code slice = max(1, ceil(limit x sliceFraction))}) and hands them out locally; a request takes a permit from the
 * local lease and goes to the store only when the lease has none free. A returned permit stays in the local lease; free
 * permits beyond one slice go back to the store at once, and all free permits of a pool unused for
 * {@code idleTimeout} go back at the next {@link #heartbeat}. {@link #releaseAll} gives everything back on a clean
 * shutdown. Unlike a rate allowance, permits do not come back with time: so a lease carries an expiry ({@code now +
 * leaseTtl}), renewed by {@link #heartbeat}, which the application calls well within the ttl (the domain runs no
 * threads). An expired lease no longer counts in the store: a crashed instance's permits are free again one ttl after
 * its last heartbeat. An instance that finds its own lease expired (at a heartbeat or a take) forgets it: its requests
 * in flight on that lease no longer hold store permits, and their returns are dropped (they belong to an older lease
 * "epoch"), so nothing is ever given back twice or into someone else's lease.
 *
 * <h2>Accuracy bound</h2>
 * <ul>
 *   <li><b>Live instances never exceed the limit.</b> The store grants a permit only while the live leases of the pool
 *   sum to less than the limit (one atomic step per lease), and a live instance admits a request only on a permit of
 *   its live lease. While every instance renews within the ttl, the fleet has at most {@code limit} requests in flight
 *   per pool.</li>
 *   <li><b>A lease that lapses while its requests still run</b> (an instance paused or cut off from the database for
 *   longer than {@code leaseTtl - heartbeat}) is the one way over: other instances may lease those permits again while
 *   the lapsed instance's requests finish. The overshoot is at most the requests that instance had in flight on the
 *   lapsed lease (at most its lease, at most {@code limit}), and lasts until they end; the lapsed instance admits
 *   nothing more on the pool until it leases again. With clock skew {@code d} between instances, a lease is seen as
 *   expired {@code d} early by an instance whose clock runs ahead: keep {@code heartbeat + d + a database round-trip}
 *   well below {@code leaseTtl}.</li>
 *   <li><b>Under-admission</b>: an instance keeps at most one slice of free permits per pool (given back when idle),
 *   so the fleet may refuse while up to {@code N x slice} permits sit free in other instances' leases; a crashed
 *   instance's permits are unusable for up to {@code leaseTtl}. Both err on the side of admitting less.</li>
 *   <li>A lowered limit refuses new leases at once; leases above it shrink as their permits come back.</li>
 * </ul>
 *
 * <p>Thread-safe: one lock per pool, held for the local arithmetic and, when the lease runs out, for the one store call
 * that extends it. A request takes one pool's lock at a time.
 */
public final class ConcurrencyLimitedQuotaLimiter implements QuotaLimiter {
    private static final System.Logger LOG = System.getLogger(ConcurrencyLimitedQuotaLimiter.class.getName());

    /**
     * @param sliceFraction the permits an instance leases at a time, as a fraction of the limit (above 0, at most 1)
     * @param leaseTtl      how long a lease lives without a renewal: the time a crashed instance's permits stay lost
     * @param idleTimeout   how long free permits of an unused pool stay leased before a heartbeat gives them back
     * @param retryAfter    the Retry-After of a concurrency refusal: a hint, as the end of a request is unknown
     */
    public record Settings(double sliceFraction, Duration leaseTtl, Duration idleTimeout, Duration retryAfter) {
        /** The shortest retry hint: a request waiting for a permit tries at most this often (a returned one wakes it). */
        public static final Duration MIN_RETRY_AFTER = Duration.ofMillis(100);

        public Settings {
            if (!(sliceFraction > 0 && sliceFraction <= 1)) {
                throw new IllegalArgumentException("the slice fraction must be above 0 and at most 1: " + sliceFraction);
            }
            if (leaseTtl == null || !leaseTtl.isPositive() || idleTimeout == null || !idleTimeout.isPositive()
                    || retryAfter == null || retryAfter.compareTo(MIN_RETRY_AFTER) < 0) {
                throw new IllegalArgumentException("the lease ttl and idle timeout must be positive, the retry-after "
                        + "at least " + MIN_RETRY_AFTER.toMillis() + " ms (a waiting request retries that often): "
                        + leaseTtl + ", " + idleTimeout + ", " + retryAfter);
            }
        }

        /** The slice of a pool of {@code limit}: at least 1, at most the limit. */
        public long sliceOf(long limit) {
            return Math.max(1, Math.min(limit, (long) Math.ceil(limit * sliceFraction)));
        }
    }

    private final QuotaLimiter rates;
    private final RateLimitSource source;
    private final PermitStore store;
    private final String holder;
    private final Settings settings;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    /**
     * @param rates  the rate limiter run after the permits are taken (e.g. {@link LeasedQuotaLimiter})
     * @param holder this instance's id in the store (e.g. a random UUID per start), at most 64 characters
     */
    public ConcurrencyLimitedQuotaLimiter(QuotaLimiter rates, RateLimitSource source, PermitStore store, String holder,
                                          Settings settings) {
        if (rates == null || source == null || store == null || settings == null || holder == null || holder.isBlank()
                || holder.length() > 64) {
            throw new IllegalArgumentException("rates, source, store, settings and a holder id of 1 to 64 characters "
                    + "are required");
        }
        this.rates = rates;
        this.source = source;
        this.store = store;
        this.holder = holder;
        this.settings = settings;
    }

    /** Caller-given limits (the upstream's) are rates only: they take no permit. */
    @Override
    public QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now) {
        return rates.admit(request, limits, now);
    }

    @Override
    public QuotaDecision admit(QuotaRequest request, Instant now) {
        List<Limit> limits = limitsFor(request);
        if (limits.isEmpty()) {
            return rates.admit(request, now);
        }
        List<Permit> taken = new ArrayList<>(limits.size());
        QuotaDecision decision;
        try {
            for (Limit limit : limits) {
                Permit permit = take(limit.pool(), now);
                if (permit == null) {
                    giveBack(taken, now);
                    return new QuotaDecision.Refused(limit.name(), settings.retryAfter(), limit.pool().key());
                }
                taken.add(permit);
            }
            decision = rates.admit(request, now);
        } catch (RuntimeException | Error e) {
            giveBack(taken, now);
            throw e;
        }
        if (decision instanceof QuotaDecision.Admitted admitted) {
            List<HeldPermits.Pool> pools = new ArrayList<>(limits.size());
            for (Limit limit : limits) {
                pools.add(new HeldPermits.Pool(limit.name(), limit.pool().key()));
            }
            HeldPermits held = new HeldPermits(pools, at -> giveBack(taken, at));
            return new QuotaDecision.Admitted(admitted.ticket().withPermits(held), admitted.status());
        }
        giveBack(taken, now);
        return decision;
    }

    @Override
    public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        rates.correct(ticket, actualTokens, now);
    }

    /**
     * Renews this instance's leases (one store call), forgets those that lapsed, and gives back the free permits of
     * pools unused for the idle timeout. Called periodically by the application, well within the lease ttl. A store
     * failure is thrown after the local sweep (a lease that then lapses is forgotten at the next heartbeat).
     */
    public void heartbeat(Instant now) {
        Instant expiresAt = now.plus(settings.leaseTtl());
        Set<String> renewed = Set.of();
        boolean renewAnswered = false;
        Failures failures = new Failures();
        try {
            renewed = store.renew(holder, now, expiresAt);
            renewAnswered = true;
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (Lease lease : leases.values()) {
            lease.lock.lock();
            try {
                if (lease.retired) {
                    continue;
                }
                if (renewed.contains(lease.key)) {
                    if (expiresAt.isAfter(lease.expiresAt)) {
                        lease.expiresAt = expiresAt;
                    }
                } else if (renewAnswered && lease.leased > 0 && lease.expiresAt.isBefore(expiresAt)) {
                    // taken before this renewal, yet the store no longer holds it: another replica whose clock runs
                    // ahead found it expired and dropped it, so its permits may be someone else's now
                    lease.forget();
                }
                lease.forgetIfLapsed(now);
                long free = lease.leased - lease.inUse;
                if (free > 0 && !lease.lastUsed.plus(settings.idleTimeout()).isAfter(now)) {
                    store.giveBack(lease.pool, holder, free, now);
                    lease.leased -= free;
                }
                if (lease.leased == 0 && lease.inUse == 0) {
                    lease.retired = true;
                    leases.remove(lease.key, lease);
                }
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                lease.lock.unlock();
            }
        }
        failures.throwIfAny();
    }

    /**
     * Gives every lease back (a clean shutdown, once the requests in flight are done); permits returned later are
     * dropped. A store failure on one pool does not stop the others; the first is thrown at the end (those permits
     * come back when the lease expires).
     */
    public void releaseAll(Instant now) {
        Failures failures = new Failures();
        for (Lease lease : leases.values()) {
            lease.lock.lock();
            try {
                if (lease.retired) {
                    continue;
                }
                lease.retired = true;
                leases.remove(lease.key, lease);
                lease.forgetIfLapsed(now);
                if (lease.leased > 0) {
                    store.giveBack(lease.pool, holder, lease.leased, now);
                }
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                lease.lock.unlock();
            }
        }
        failures.throwIfAny();
    }

    /** Permits this instance leases of {@code poolKey} (in use and free); 0 without a lease. For tests and metrics. */
    public long leased(String poolKey) {
        return read(poolKey, lease -> lease.leased);
    }

    /** Permits of {@code poolKey} this instance has handed out and not had back. For tests and metrics. */
    public long inUse(String poolKey) {
        return read(poolKey, lease -> lease.inUse);
    }

    private long read(String poolKey, Function<Lease, Long> field) {
        Lease lease = leases.get(poolKey);
        if (lease == null) {
            return 0;
        }
        lease.lock.lock();
        try {
            return lease.retired ? 0 : field.apply(lease);
        } finally {
            lease.lock.unlock();
        }
    }

    /** The concurrency limits {@code request} is held to: none for a model read. */
    List<Limit> limitsFor(QuotaRequest request) {
        if (request.model().isEmpty()) {
            return List.of();
        }
        List<Limit> limits = new ArrayList<>(3);
        add(limits, RateLimit.Scope.TENANT, request.tenant().toString(),
                source.tenant(request.tenant()).concurrentRequests());
        add(limits, RateLimit.Scope.TENANT_MODEL, request.tenant() + ":" + request.model().get(),
                source.tenantModel(request.tenant(), request.model().get()).concurrentRequests());
        add(limits, RateLimit.Scope.API_KEY, request.apiKey().toString(),
                source.apiKey(request.tenant(), request.apiKey()).concurrentRequests());
        return limits;
    }

    /** A pool named like the rate limits' buckets: {@code <scope prefix>:<whose>:concurrent}. */
    private static void add(List<Limit> limits, RateLimit.Scope scope, String whose, OptionalLong limit) {
        if (limit.isPresent()) {
            limits.add(new Limit(scope.nameOf("ConcurrentRequests"),
                    new PermitPool(scope.keyPrefix() + ":" + whose + ":concurrent", limit.getAsLong())));
        }
    }

    /** One permit of {@code pool}, from the local lease or a new lease; null if the pool has none free. */
    private Permit take(PermitPool pool, Instant now) {
        while (true) {
            Lease lease = leases.computeIfAbsent(pool.key(), key -> new Lease(pool));
            lease.lock.lock();
            try {
                if (lease.retired) {
                    continue;
                }
                lease.pool = pool;
                lease.lastUsed = now.isAfter(lease.lastUsed) ? now : lease.lastUsed;
                lease.forgetIfLapsed(now);
                if (lease.leased <= lease.inUse) {
                    Instant expiresAt = now.plus(settings.leaseTtl());
                    long granted = store.lease(pool, holder, 1, settings.sliceOf(pool.limit()), now, expiresAt);
                    if (granted == 0) {
                        return null;
                    }
                    lease.leased += granted;
                    if (expiresAt.isAfter(lease.expiresAt)) {
                        lease.expiresAt = expiresAt;
                    }
                }
                lease.inUse++;
                return new Permit(lease, lease.epoch);
            } finally {
                lease.lock.unlock();
            }
        }
    }

    private void giveBack(List<Permit> permits, Instant now) {
        for (Permit permit : permits) {
            try {
                giveBack(permit, now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "returning a permit of {0} failed ({1}); it comes back when the "
                        + "lease expires", permit.lease().key, e.getClass().getName());
            }
        }
    }

    /** Puts a permit back into its lease (if the lease is still the one it came from); a free excess goes back. */
    private void giveBack(Permit permit, Instant now) {
        Lease lease = permit.lease();
        lease.lock.lock();
        try {
            lease.forgetIfLapsed(now);
            if (lease.retired || lease.epoch != permit.epoch()) {
                return;
            }
            lease.inUse--;
            lease.lastUsed = now.isAfter(lease.lastUsed) ? now : lease.lastUsed;
            long excess = lease.leased - lease.inUse - settings.sliceOf(lease.pool.limit());
            if (excess > 0) {
                try {
                    store.giveBack(lease.pool, holder, excess, now);
                    lease.leased -= excess;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "giving back {0} permit(s) of {1} failed ({2}); kept for the "
                            + "next heartbeat", excess, lease.key, e.getClass().getName());
                }
            }
        } finally {
            lease.lock.unlock();
        }
    }

    /** A concurrency limit that applies: its refusal name and its pool. */
    record Limit(String name, PermitPool pool) {
    }

    /** One permit handed out, from {@code lease} in its {@code epoch}. */
    private record Permit(Lease lease, long epoch) {
    }

    /** This instance's lease of one pool. Every field is guarded by {@code lock}. */
    private static final class Lease {
        final String key;
        final ReentrantLock lock = new ReentrantLock();
        PermitPool pool;
        /** Permits the store counts for this instance (in use and free). */
        long leased;
        /** Permits handed out in this epoch and not yet back. */
        long inUse;
        /** Bumped when the lease lapses: permits of older epochs are no longer the store's business. */
        long epoch;
        Instant expiresAt = Instant.MIN;
        Instant lastUsed = Instant.MIN;
        /** Given back and out of the map: a thread that still holds it must look the pool up again. */
        boolean retired;

        Lease(PermitPool pool) {
            this.key = pool.key();
            this.pool = pool;
        }

        /** A lease whose expiry has passed no longer counts in the store: forget it and everything handed out on it. */
        void forgetIfLapsed(Instant now) {
            if ((leased > 0 || inUse > 0) && !expiresAt.isAfter(now)) {
                forget();
            }
        }

        /** Drops the lease: it holds nothing, and permits returned later by requests admitted on it are ignored. */
        void forget() {
            leased = 0;
            inUse = 0;
            epoch++;
        }
    }
}
