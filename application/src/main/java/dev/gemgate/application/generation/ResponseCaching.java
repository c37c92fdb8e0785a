package dev.gemgate.application.generation;

import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicySource;
import dev.gemgate.domain.cache.Cacheability;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Step d of the request path, shared by the unary and the streamed generation (and so by every API surface that
 * translates into them): which requests the response cache serves and stores, and the coalescing of identical
 * requests in flight.
 *
 * <p><b>What is cached.</b> A request is looked at only when its tenant's {@link CachePolicy} (from the
 * {@link CachePolicySource}) has a TTL and {@link Cacheability#isCacheable} says so (deterministic, or the tenant
 * opted in); its key is its tenant and {@link RequestFingerprint#forCache} (so never across tenants). The caller's
 * directive ({@code Cache-Control}) decides the rest: {@link CacheDirective#DEFAULT} looks up and stores,
 * {@link CacheDirective#BYPASS} ({@code no-cache}) stores the fresh answer without looking up,
 * {@link CacheDirective#NO_STORE} does neither. An answer is stored only when {@link Cacheability#isStorable} (every
 * candidate finished with STOP) and it was served by the model asked for (not a fallback). A failing cache never fails
 * a request: a lookup that throws is a miss, a store that throws is skipped.
 *
 * <p><b>Coalescing.</b> Identical cacheable requests with the DEFAULT directive that miss at the same time share one
 * upstream call: the first becomes the leader ({@link #join}), the others wait for its outcome, each no longer than
 * its own deadline, and are answered like a hit. The leader's outcome decides theirs: a storable answer is theirs; an
 * upstream failure (other than its own deadline running out) is theirs too; anything else (its own budget or admission
 * refused it, its answer was not storable or came from a fallback, its deadline ran out) lets each go on alone. Keyed by
 * {@link CacheKey}, so tenants never coalesce. Per replica: a {@link ConcurrentHashMap} of {@link CompletableFuture}s;
 * other replicas see the answer through the shared cache for later requests.
 */
public final class ResponseCaching {
    private static final System.Logger LOG = System.getLogger(ResponseCaching.class.getName());

    /**
     * What the cache step decided for one request: its key (null when the cache plays no part), whether to look up
     * and whether to store, and for how long.
     */
    public record Plan(CacheKey key, Duration ttl, boolean lookup, boolean store) {
        static final Plan NONE = new Plan(null, Duration.ZERO, false, false);

        /** The {@code x-gemgate-cache} status of an answer that was not a hit. */
        public CacheStatus missStatus() {
            return lookup ? CacheStatus.MISS : CacheStatus.BYPASS;
        }

        boolean coalesces() {
            return lookup;
        }
    }

    /** How a leader's call ended, as its followers see it. */
    sealed interface Shared permits Shared.Answer, Shared.Failure, Shared.GoAlone {
        record Answer(GenerationResponse response) implements Shared {
        }

        record Failure(RuntimeException failure) implements Shared {
        }

        record GoAlone() implements Shared {
        }
    }

    /** A request's place among identical requests in flight: the one that calls, or one that waits for it. */
    public sealed interface Turn permits Leader, Follower, Alone {
    }

    /** The request calls the upstream; it must {@link #finish} or {@link #fail}, once. */
    public final class Leader implements Turn {
        private final CacheKey key;
        private final CompletableFuture<Shared> outcome;

        private Leader(CacheKey key, CompletableFuture<Shared> outcome) {
            this.key = key;
            this.outcome = outcome;
        }

        /** The leader's answer (already stored if it was storable): shared when storable and served as asked. */
        public void finish(GenerationResponse response, boolean sharable) {
            complete(sharable ? new Shared.Answer(response) : new Shared.GoAlone());
        }

        /** The leader failed: its followers get the same failure when it is the upstream's, else go on alone. */
        public void fail(Throwable failure) {
            complete(failure instanceof UpstreamException u && u.kind() != UpstreamException.Kind.TIMEOUT
                    ? new Shared.Failure(u) : new Shared.GoAlone());
        }

        private void complete(Shared shared) {
            inFlight.remove(key, outcome);
            outcome.complete(shared);
        }
    }

    /** Another identical request is in flight: wait for its outcome ({@link #await}). */
    public final class Follower implements Turn {
        private final CompletableFuture<Shared> outcome;

        private Follower(CompletableFuture<Shared> outcome) {
            this.outcome = outcome;
        }

        /**
         * Waits for the leader until {@code deadline}: its answer (to serve as a hit), or empty to go on alone. Throws
         * the leader's upstream failure, or a 504 TIMEOUT when the deadline passes first.
         */
        public Optional<GenerationResponse> await(Instant deadline) {
            long nanos = Duration.between(clock.instant(), deadline).toNanos();
            Shared shared;
            try {
                shared = nanos <= 0 ? outcome.getNow(null) : outcome.get(nanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                shared = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, 0,
                        "interrupted while waiting for an identical request in flight");
            } catch (ExecutionException e) {
                return Optional.empty();
            }
            if (shared == null) {
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, 0,
                        "the request's deadline passed while an identical request was in flight");
            }
            return switch (shared) {
                case Shared.Answer a -> Optional.of(a.response());
                case Shared.Failure f -> throw f.failure();
                case Shared.GoAlone g -> Optional.empty();
            };
        }
    }

    /** The request does not coalesce. */
    public static final class Alone implements Turn {
        private static final Alone INSTANCE = new Alone();
    }

    private final ResponseCache cache;
    private final CachePolicySource policies;
    private final RequestFingerprint fingerprints;
    private final Clock clock;
    private final ConcurrentHashMap<CacheKey, CompletableFuture<Shared>> inFlight = new ConcurrentHashMap<>();

    public ResponseCaching(ResponseCache cache, CachePolicySource policies, RequestFingerprint fingerprints,
                           Clock clock) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.fingerprints = Objects.requireNonNull(fingerprints, "fingerprints");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the cache does for {@code request} of {@code tenant} under {@code directive}. */
    public Plan plan(TenantId tenant, GenerationRequest request, CacheDirective directive) {
        if (directive == CacheDirective.NO_STORE) {
            return Plan.NONE;
        }
        CachePolicy policy = policies.policyOf(tenant);
        if (!Cacheability.isCacheable(request, policy)) {
            return Plan.NONE;
        }
        return new Plan(new CacheKey(tenant, fingerprints.forCache(request)), policy.ttl(),
                directive == CacheDirective.DEFAULT, true);
    }

    /** The stored answer, when the plan looks up and one is there. */
    public Optional<GenerationResponse> lookup(Plan plan) {
        if (!plan.lookup()) {
            return Optional.empty();
        }
        try {
            return cache.get(plan.key(), clock.instant());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "response cache lookup failed: {0}", e.getClass().getName());
            return Optional.empty();
        }
    }

    /** Leader, follower, or alone (a plan that does not look up never coalesces). */
    public Turn join(Plan plan) {
        if (!plan.coalesces()) {
            return Alone.INSTANCE;
        }
        CompletableFuture<Shared> mine = new CompletableFuture<>();
        CompletableFuture<Shared> running = inFlight.putIfAbsent(plan.key(), mine);
        return running == null ? new Leader(plan.key(), mine) : new Follower(running);
    }

    /**
     * Stores {@code response} when the plan stores, the answer {@link Cacheability#isStorable is storable} and
     * {@code servedModel} is the model {@code asked}; true if it was handed to the cache.
     */
    public boolean store(Plan plan, GenerationResponse response, ModelId asked, ModelId servedModel) {
        if (!storable(plan, response, asked, servedModel)) {
            return false;
        }
        try {
            cache.put(plan.key(), response, plan.ttl(), clock.instant());
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "response cache store failed: {0}", e.getClass().getName());
            return false;
        }
    }

    /** Whether an answer may be stored or shared with followers. */
    public static boolean storable(Plan plan, GenerationResponse response, ModelId asked, ModelId servedModel) {
        return plan.store() && asked.equals(servedModel) && Cacheability.isStorable(response);
    }

    /** Requests in flight that lead others (for tests and metrics). */
    public int inFlight() {
        return inFlight.size();
    }

    /** Followers waiting for a leader now (an estimate, for tests and metrics). */
    public int followersWaiting() {
        int waiting = 0;
        for (CompletableFuture<Shared> outcome : inFlight.values()) {
            waiting += outcome.getNumberOfDependents();
        }
        return waiting;
    }
}
