package dev.gemgate.domain.quota;

import dev.gemgate.domain.common.Failures;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A {@link QuotaLimiter} correct across replicas that keeps the hot path off the shared store: each instance serves a
 * limit's cost from a local <em>slice</em> of the limit's fleet-wide {@link Bucket}, and goes to the
 * {@link AllowanceStore} (one atomic step) only when the slice cannot cover a request.
 *
 * <h2>Admission</h2>
 * For each limit that applies ({@link RateLimitPolicy}: tenant, tenant x model, API key; requests per day, requests per
 * minute, tokens per minute), the request's cost (1 request; its estimated tokens) is taken from the local slice. When
 * the slice holds less, the missing part is taken from the store: {@code minimum} = what is missing, {@code wanted} =
 * the slice size ({@code ceil(limit x sliceFraction)}, at least the minimum). If the store cannot give the minimum, the
 * request is refused with the store's {@code untilMinimum}: the real time until the bucket holds what the request
 * lacks (a token bucket refills continuously, so this is when the next request fits, to the nanosecond), and what the
 * request had already taken from its other limits goes back into their local slices. A request that alone costs more
 * than a limit allows can never fit and is refused as {@link QuotaDecision.TooLarge}, without taking anything.
 *
 * <h2>Correction</h2>
 * {@link #correct} replaces the estimated tokens with the actual ones: tokens under the estimate go back into the local
 * slice; tokens over it are a debt of the slice (its holding goes negative), paid from the next take (by this
 * request's successors, or by {@link #flush}) and never refused after the fact.
 *
 * <h2>Idle slices</h2>
 * A slice holds at most the slice size: a correction or refusal that would leave more gives the excess back to the
 * store at once. A slice unused for {@code idleTimeout} is given back by {@link #flush}, which the application calls
 * periodically (the domain runs no threads), so an instance that stops getting traffic does not sit on allowance.
 * {@link #releaseAll} gives everything back on a clean shutdown. A per-day slice is only ever used on the day (UTC, or
 * Pacific for the upstream's limits: {@link Bucket.Shape}) it was taken: at the day's end what it holds is dropped (the store refuses give-backs into an ended day).
 *
 * <h2>Accuracy bound</h2>
 * <ul>
 *   <li><b>The fleet never admits more than the buckets allow.</b> Every unit admitted was first taken from the store
 *   by one atomic step, and no two instances are ever given the same unit. For a per-day limit {@code L} the fleet
 *   admits at most {@code L} requests per day (of its shape's zone). For a per-minute limit {@code L} (a token bucket of capacity
 *   {@code L}), over any interval of length {@code t} the fleet admits at most {@code L x (1 + t / 1 min)} (the
 *   bucket's own bound) plus what the instances held in slices when the interval began: at most
 *   {@code N x slice} for {@code N} instances, since a slice may be spent later than it was taken.</li>
 *   <li><b>Allowance held in slices</b> is at most {@code N x slice} per bucket
 *   ({@code slice = max(1, ceil(limit x sliceFraction))}, e.g. {@code limit / 20}). While held it is allowance that
 *   other instances cannot admit (under-admission); if the instance dies it is lost, never counted twice; a clean
 *   shutdown gives it back.</li>
 *   <li><b>Token estimates.</b> Tokens are admitted by estimate; the estimate of a generation is an upper bound, so a
 *   correction normally gives tokens back. Should a call use more than its estimate, the excess is charged as a debt
 *   after the fact: until it is repaid the fleet's use can exceed the tokens-per-minute bound by that excess, and the
 *   indebted instance admits nothing on that bucket before repaying it.</li>
 * </ul>
 *
 * <p>Thread-safe: one lock per bucket, held for the slice arithmetic and, when the slice runs out, for the one store
 * call that refills it (concurrent admissions on that bucket wait for it, then are served from the new slice). A
 * request takes one bucket's lock at a time, so there is no lock ordering to get wrong.
 */
public final class LeasedQuotaLimiter implements QuotaLimiter {
    private static final System.Logger LOG = System.getLogger(LeasedQuotaLimiter.class.getName());
    private static final long MINUTE_NANOS = 60_000_000_000L;

    /**
     * @param sliceFraction the slice an instance takes from a bucket, as a fraction of its limit (0 to 1; 0.05 takes
     *                      a twentieth): larger means fewer store calls and a looser bound
     * @param idleTimeout   how long a slice may go unused before {@link #flush} gives it back
     */
    public record Settings(double sliceFraction, Duration idleTimeout) {
        public static final Settings DEFAULT = new Settings(0.05, Duration.ofSeconds(10));

        public Settings {
            if (!(sliceFraction > 0 && sliceFraction <= 1)) {
                throw new IllegalArgumentException("the slice fraction must be above 0 and at most 1: " + sliceFraction);
            }
            if (idleTimeout == null || !idleTimeout.isPositive()) {
                throw new IllegalArgumentException("the idle timeout must be positive: " + idleTimeout);
            }
        }

        /** The slice of a bucket of {@code limit}: at least 1, at most the limit. */
        public long sliceOf(long limit) {
            return Math.max(1, Math.min(limit, (long) Math.ceil(limit * sliceFraction)));
        }
    }

    private final RateLimitPolicy policy;
    private final AllowanceStore store;
    private final Settings settings;
    private final ConcurrentHashMap<String, Slice> slices = new ConcurrentHashMap<>();

    public LeasedQuotaLimiter(RateLimitPolicy policy, AllowanceStore store, Settings settings) {
        if (policy == null || store == null || settings == null) {
            throw new IllegalArgumentException("policy, store and settings are required");
        }
        this.policy = policy;
        this.store = store;
        this.settings = settings;
    }

    @Override
    public QuotaDecision admit(QuotaRequest request, Instant now) {
        return admit(request, policy.limitsFor(request), now);
    }

    /**
     * Admits {@code request}'s cost against {@code limits} given by the caller instead of the policy's (the upstream's
     * limits per credential x model), from the same slices, with the same refusal, undo and correction rules.
     */
    @Override
    public QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now) {
        if (limits.isEmpty()) {
            return new QuotaDecision.Admitted(new QuotaTicket(request));
        }
        for (RateLimit limit : limits) {
            long cost = limit.cost(request);
            if (cost > limit.limit()) {
                return new QuotaDecision.TooLarge(limit.name(), limit.limit(), cost);
            }
        }
        int count = limits.size();
        RateLimitStatus.Standing[] standings = new RateLimitStatus.Standing[count];
        int taken = 0;
        try {
            for (; taken < count; taken++) {
                RateLimit limit = limits.get(taken);
                Take take = take(limit.bucket(), limit.cost(request), now);
                if (take.retryAfter() != null) {
                    undo(limits, request, taken, now);
                    return new QuotaDecision.Refused(limit.name(), take.retryAfter(), limit.bucket().key());
                }
                standings[taken] = take.standing();
            }
        } catch (RuntimeException | Error e) {
            undo(limits, request, taken, now);
            throw e;
        }
        List<Bucket> tokenBuckets = new ArrayList<>(3);
        for (RateLimit limit : limits) {
            if (limit.unit() == RateLimit.Unit.TOKENS) {
                tokenBuckets.add(limit.bucket());
            }
        }
        return new QuotaDecision.Admitted(new QuotaTicket(request, tokenBuckets), status(limits, standings));
    }

    @Override
    public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        if (actualTokens < 0) {
            throw new IllegalArgumentException("actual tokens cannot be negative: " + actualTokens);
        }
        long unused = ticket.charged().tokens() - actualTokens;
        if (unused == 0) {
            return;
        }
        for (Bucket bucket : ticket.tokenBuckets()) {
            credit(bucket, unused, now);
        }
    }

    /**
     * Gives back to the store every slice unused for the idle timeout, and tries to repay every debt. Called
     * periodically by the application (e.g. every half idle timeout). A store failure on one slice does not stop the
     * others; the first is thrown at the end (the slice keeps its units for the next flush).
     */
    public void flush(Instant now) {
        sweep(now, false);
    }

    /** Gives back every slice (a clean shutdown). A debt that cannot be repaid now is forgotten. */
    public void releaseAll(Instant now) {
        sweep(now, true);
    }

    /** What this instance holds of {@code bucketKey} (negative: a debt); 0 without a slice. For tests and metrics. */
    public long held(String bucketKey) {
        Slice slice = slices.get(bucketKey);
        if (slice == null) {
            return 0;
        }
        slice.lock.lock();
        try {
            return slice.retired ? 0 : slice.held;
        } finally {
            slice.lock.unlock();
        }
    }

    /** How many buckets this instance holds a slice of. */
    public int sliceCount() {
        return slices.size();
    }

    private Take take(Bucket bucket, long cost, Instant now) {
        if (cost == 0) {
            return Take.admitted(standingWithoutTaking(bucket, now));
        }
        return onLiveSlice(bucket, now, slice -> {
            if (slice.held >= cost) {
                slice.held -= cost;
                return Take.admitted(slice.standing(now));
            }
            long missing = cost - slice.held;
            long minimum = Math.min(missing, bucket.limit());
            long wanted = Math.max(minimum, settings.sliceOf(bucket.limit()));
            AllowanceStore.Grant grant = store.take(bucket, minimum, wanted, now);
            slice.granted(grant, now);
            if (grant.units() == 0) {
                return Take.refused(grant.untilMinimum());
            }
            slice.held += grant.units();
            if (slice.held >= cost) {
                slice.held -= cost;
                return Take.admitted(slice.standing(now));
            }
            // a debt beyond a whole bucket: the full bucket just taken repaid part of it, the rest refills at the
            // bucket's rate
            return Take.refused(refillTime(bucket, cost - slice.held));
        });
    }

    /**
     * Runs {@code work} on the live local slice of {@code bucket} (created if absent), under its lock, after touching
     * it; a slice retired meanwhile (flushed away) is replaced and the work runs on the new one.
     */
    private <T> T onLiveSlice(Bucket bucket, Instant now, Function<Slice, T> work) {
        while (true) {
            Slice slice = slices.computeIfAbsent(bucket.key(), key -> new Slice(bucket));
            slice.lock.lock();
            try {
                if (slice.retired) {
                    continue;
                }
                slice.touch(bucket, now);
                return work.apply(slice);
            } finally {
                slice.lock.unlock();
            }
        }
    }

    private RateLimitStatus.Standing standingWithoutTaking(Bucket bucket, Instant now) {
        Slice slice = slices.get(bucket.key());
        if (slice == null) {
            return null;
        }
        slice.lock.lock();
        try {
            if (slice.retired) {
                return null;
            }
            slice.touch(bucket, now);
            return slice.standing(now);
        } finally {
            slice.lock.unlock();
        }
    }

    /** Puts back what {@code request} took from the first {@code count} limits (a refusal, a failure). */
    private void undo(List<RateLimit> limits, QuotaRequest request, int count, Instant now) {
        for (int i = 0; i < count; i++) {
            RateLimit limit = limits.get(i);
            credit(limit.bucket(), limit.cost(request), now);
        }
    }

    /** Adds {@code units} to the local slice of {@code bucket} (negative: a debt); an excess over the slice goes back. */
    private void credit(Bucket bucket, long units, Instant now) {
        if (units == 0) {
            return;
        }
        onLiveSlice(bucket, now, slice -> {
            slice.held += units;
            trim(slice, now);
            return null;
        });
    }

    /** Gives back what a slice holds beyond the slice size; on a store failure it keeps it for the next flush. */
    private void trim(Slice slice, Instant now) {
        long excess = slice.held - settings.sliceOf(slice.bucket.limit());
        if (excess <= 0) {
            return;
        }
        try {
            store.giveBack(slice.bucket, excess, slice.takenAt(now), now);
            slice.held -= excess;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "giving back {0} unit(s) of {1} failed ({2}); kept for the next flush",
                    excess, slice.key, e.getClass().getName());
        }
    }

    private void sweep(Instant now, boolean all) {
        Failures failures = new Failures();
        for (Slice slice : slices.values()) {
            slice.lock.lock();
            try {
                if (slice.retired) {
                    continue;
                }
                slice.rollDay(now);
                if (slice.held < 0) {
                    AllowanceStore.Grant grant = store.take(slice.bucket, 1,
                            Math.min(-slice.held, slice.bucket.limit()), now);
                    slice.granted(grant, now);
                    slice.held += grant.units();
                }
                boolean idle = !slice.lastUsed.plus(settings.idleTimeout()).isAfter(now);
                if (all || (idle && slice.held >= 0)) {
                    if (slice.held > 0) {
                        store.giveBack(slice.bucket, slice.held, slice.takenAt(now), now);
                    }
                    slice.held = 0;
                    slice.retired = true;
                    slices.remove(slice.key, slice);
                } else {
                    trim(slice, now);
                }
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                slice.lock.unlock();
            }
        }
        failures.throwIfAny();
    }

    private static RateLimitStatus status(List<RateLimit> limits, RateLimitStatus.Standing[] standings) {
        RateLimitStatus.Standing requests = null;
        RateLimitStatus.Standing tokens = null;
        for (int i = 0; i < standings.length; i++) {
            RateLimitStatus.Standing standing = standings[i];
            if (standing == null) {
                continue;
            }
            if (limits.get(i).unit() == RateLimit.Unit.REQUESTS) {
                requests = tighter(requests, standing);
            } else {
                tokens = tighter(tokens, standing);
            }
        }
        return new RateLimitStatus(Optional.ofNullable(requests), Optional.ofNullable(tokens));
    }

    private static RateLimitStatus.Standing tighter(RateLimitStatus.Standing a, RateLimitStatus.Standing b) {
        if (a == null || b.remaining() < a.remaining() || (b.remaining() == a.remaining() && b.limit() < a.limit())) {
            return b;
        }
        return a;
    }

    /** How long a per-minute bucket of {@code bucket}'s limit takes to refill {@code units}. */
    static Duration refillTime(Bucket bucket, long units) {
        if (units <= 0) {
            return Duration.ZERO;
        }
        if (bucket.shape().perDay()) {
            throw new IllegalStateException("a per-day bucket does not refill by the minute");
        }
        long limit = bucket.limit();
        if (units <= Long.MAX_VALUE / MINUTE_NANOS) {
            return Duration.ofNanos(Math.ceilDiv(units * MINUTE_NANOS, limit));
        }
        return Duration.ofNanos((long) Math.ceil((double) units * MINUTE_NANOS / limit));
    }

    /** An admission's outcome on one bucket: its standing (null if unknown), or the time until it would fit. */
    private record Take(RateLimitStatus.Standing standing, Duration retryAfter) {
        static Take admitted(RateLimitStatus.Standing standing) {
            return new Take(standing, null);
        }

        static Take refused(Duration retryAfter) {
            return new Take(null, retryAfter);
        }
    }

    /** This instance's slice of one bucket. Every field is guarded by {@code lock}. */
    private static final class Slice {
        final String key;
        final ReentrantLock lock = new ReentrantLock();
        Bucket bucket;
        /** Units taken from the store and not yet handed out; negative when tokens over an estimate are owed. */
        long held;
        /** When the store last gave units (what a give-back reports). */
        Instant takenAt;
        /** For a per-day bucket: the day (of the bucket's zone) the held units belong to. */
        LocalDate day;
        Instant lastUsed = Instant.MIN;
        /** The store's last answer, for the headers' figures. */
        AllowanceStore.Grant grant;
        Instant grantAt;
        /** Given back and out of the map: a thread that still holds it must look the bucket up again. */
        boolean retired;

        Slice(Bucket bucket) {
            this.key = bucket.key();
            this.bucket = bucket;
        }

        void touch(Bucket current, Instant now) {
            bucket = current;
            rollDay(now);
            if (now.isAfter(lastUsed)) {
                lastUsed = now;
            }
        }

        /** A per-day slice held into a later day is dropped: its units counted against the day they were taken. */
        void rollDay(Instant now) {
            if (!bucket.shape().perDay()) {
                return;
            }
            LocalDate today = bucket.shape().day(now);
            if (day == null || today.isAfter(day)) {
                if (day != null) {
                    held = 0;
                    grant = null;
                    grantAt = null;
                }
                day = today;
            }
        }

        void granted(AllowanceStore.Grant answer, Instant now) {
            grant = answer;
            grantAt = now;
            if (answer.units() > 0) {
                takenAt = now;
            }
        }

        Instant takenAt(Instant now) {
            return takenAt != null ? takenAt : now;
        }

        /** The caller's standing on this bucket as this instance sees it (see {@link RateLimitStatus}). */
        RateLimitStatus.Standing standing(Instant now) {
            if (grant == null) {
                return null;
            }
            long limit = bucket.limit();
            long inStore;
            Duration reset;
            if (bucket.shape() == Bucket.Shape.PER_MINUTE) {
                double elapsed = Math.max(0, Duration.between(grantAt, now).toNanos());
                inStore = (long) Math.min(limit, grant.remaining() + Math.floor(elapsed * limit / MINUTE_NANOS));
            } else {
                inStore = Math.min(limit, grant.remaining());
            }
            long remaining = Math.min(limit, inStore + Math.max(0, held));
            if (remaining == limit) {
                reset = Duration.ZERO;
            } else {
                reset = bucket.shape() == Bucket.Shape.PER_MINUTE ? refillTime(bucket, limit - remaining)
                        : bucket.shape().untilNextDay(now);
            }
            return new RateLimitStatus.Standing(limit, remaining, reset);
        }
    }
}
