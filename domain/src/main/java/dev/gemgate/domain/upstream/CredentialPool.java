package dev.gemgate.domain.upstream;

import dev.gemgate.domain.common.ReloadableSnapshot;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * The upstream credentials Gemgate may use, and the choice of one for each attempt: the configured credential and
 * those added through the admin API ({@link UpstreamCredentialStore}), with the status and weight administrators set,
 * and the health this replica learns from outcomes.
 *
 * <h2>Choice ({@link #choose})</h2>
 * A credential is <b>usable</b> when it is {@link CredentialStatus#ACTIVE} and not held out after Google rejected it
 * (401/403, {@link #rejected}; held out for the quarantine, then tried again by the next call). Among the usable ones
 * not yet tried by this request, the choice is weighted at random (weight = the administrator's), preferring those that
 * are <b>healthy</b> for the model: its circuit is not open ({@link UpstreamCircuits}) and the {@link UpstreamGate} is
 * not cooling it down after a 429 (so a credential Google answered 429 is weighted down to nothing for its
 * RetryInfo delay, while another can serve). Failing those, the usable one whose cooldown ends first (the gate makes
 * the call wait for it); failing that, one whose circuit is open (its call fails at once, so the caller moves on to a
 * fallback). When every usable credential was tried, they may be tried again (a lone credential is retried).
 *
 * <p>A {@link CredentialStatus#DRAINING} credential is never chosen: the calls it already has finish
 * ({@link #inFlight}), which is how a key is rotated without failing a request: add the new one, drain the old one,
 * wait for its calls to end, disable it.
 *
 * <p>The pool is reloaded from the store periodically (the application schedules {@link #reload}) and at once after a
 * change on this replica ({@link #reload} from the admin use cases). A store that cannot be read keeps the last pool
 * (at start-up: the configured credential alone).
 */
public final class CredentialPool implements UpstreamKeyVault {
    /** Told once each time a credential is held out after Google rejected it. */
    @FunctionalInterface
    public interface RejectionListener {
        RejectionListener NONE = (credential, status, heldOutUntil) -> { };

        void rejected(UpstreamCredentialId credential, int upstreamStatus, Instant heldOutUntil);
    }

    /** One credential as the choice sees it. */
    public record Member(UpstreamCredential credential, int weight, CredentialStatus status) {
        public Member {
            if (credential == null || status == null || weight < 1) {
                throw new IllegalArgumentException("a member has a credential, a status and a positive weight");
            }
        }
    }

    /** What a credential's health is on this replica, for the admin view and the health check. */
    public record Health(UpstreamCredentialId credential, CredentialStatus status, int weight, int inFlight,
                         Optional<Instant> heldOutUntil, Map<ModelId, CircuitState> circuits, long calls,
                         Optional<Instant> lastCallAt) {
    }

    /** A credential's use on this replica: calls in flight, calls started since start-up, and when the last began. */
    private static final class Use {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
        volatile Instant lastCallAt;
    }

    private final Optional<UpstreamCredential> configured;
    private final ReloadableSnapshot<List<Member>> members;
    private final UpstreamGate gate;
    private final UpstreamCircuits circuits;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Duration quarantine;
    private final RejectionListener rejections;
    private final ConcurrentHashMap<UpstreamCredentialId, Instant> heldOut = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UpstreamCredentialId, Use> uses = new ConcurrentHashMap<>();

    /**
     * @param configured the deployment's own credential (empty when every credential comes from the store)
     * @param store      the credentials administrators manage; the configured one's status and weight live there too
     * @param random     uniform in [0, 1)
     * @param quarantine how long a credential Google rejected is held out before it is tried again
     */
    public CredentialPool(Optional<UpstreamCredential> configured, UpstreamCredentialStore store, UpstreamGate gate,
                          UpstreamCircuits circuits, Clock clock, DoubleSupplier random, Duration quarantine,
                          RejectionListener rejections) {
        if (configured == null || store == null || gate == null || circuits == null || clock == null
                || random == null || quarantine == null || quarantine.isNegative() || rejections == null) {
            throw new IllegalArgumentException("every pool setting is required");
        }
        this.configured = configured;
        this.gate = gate;
        this.circuits = circuits;
        this.clock = clock;
        this.random = random;
        this.quarantine = quarantine;
        this.rejections = rejections;
        this.members = new ReloadableSnapshot<>(configured.map(c -> List.of(new Member(c, 1, CredentialStatus.ACTIVE)))
                .orElse(List.of()), () -> load(configured, store));
    }

    private static List<Member> load(Optional<UpstreamCredential> configured, UpstreamCredentialStore store) {
        List<Member> loaded = new ArrayList<>();
        for (StoredCredential stored : store.loadAll()) {
            CredentialEntry entry = stored.entry();
            if (entry.source() == CredentialSource.ADMIN) {
                loaded.add(new Member(stored.credential(), entry.weight(), entry.status()));
            } else if (configured.isPresent() && configured.get().id().equals(entry.id())) {
                loaded.add(new Member(configured.get(), entry.weight(), entry.status()));
            }
            // a configuration row of another id: a credential this deployment is no longer configured with
        }
        boolean configuredListed = configured.isPresent() && loaded.stream()
                .anyMatch(m -> m.credential().id().equals(configured.get().id()));
        if (configured.isPresent() && !configuredListed) {
            loaded.add(new Member(configured.get(), 1, CredentialStatus.ACTIVE));
        }
        return List.copyOf(loaded);
    }

    /** Rereads the store (throws, keeping the last pool, when it cannot be read). */
    public void reload() {
        members.reload();
    }

    /** Every credential of the pool, whatever its status (for tests and the admin view). */
    public List<Member> members() {
        return members.get();
    }

    /**
     * A credential for an attempt at {@code model}, other than those in {@code tried} when possible (see the class
     * comment).
     */
    @Override
    public CredentialChoice choose(ModelId model, Set<UpstreamCredentialId> tried) {
        Instant now = clock.instant();
        List<Member> usable = new ArrayList<>();
        boolean anyActive = false;
        for (Member member : members.get()) {
            if (member.status() != CredentialStatus.ACTIVE) {
                continue;
            }
            anyActive = true;
            if (!isHeldOut(member.credential().id(), now)) {
                usable.add(member);
            }
        }
        if (usable.isEmpty()) {
            return new CredentialChoice.None(anyActive ? "every upstream credential was rejected by the upstream"
                    : "no upstream credential is active");
        }
        List<Member> untried = usable.stream().filter(m -> !tried.contains(m.credential().id())).toList();
        List<Member> candidates = untried.isEmpty() ? usable : untried;

        List<Member> healthy = new ArrayList<>();
        Member coolingFirst = null;
        Instant coolingUntil = Instant.MAX;
        Member openCircuit = null;
        for (Member member : candidates) {
            UpstreamCredentialId id = member.credential().id();
            if (circuits.state(id, model) == CircuitState.OPEN) {
                openCircuit = openCircuit == null ? member : openCircuit;
                continue;
            }
            Instant cooldown = gate.standing(id, model).map(UpstreamGate.Standing::cooldownUntil).orElse(Instant.MIN);
            if (cooldown.isAfter(now)) {
                if (cooldown.isBefore(coolingUntil)) {
                    coolingFirst = member;
                    coolingUntil = cooldown;
                }
                continue;
            }
            healthy.add(member);
        }
        if (!healthy.isEmpty()) {
            return new CredentialChoice.Use(weighted(healthy));
        }
        if (coolingFirst != null) {
            return new CredentialChoice.Use(coolingFirst.credential());
        }
        return new CredentialChoice.Use(openCircuit.credential());
    }

    /**
     * A pinned call (a resource in {@code credential}'s project) may use it while it is active or draining (a draining
     * credential finishes what was started with it, and its resources are still reachable through it only), not when
     * disabled, gone from the pool or held out after Google rejected it.
     */
    @Override
    public CredentialChoice pinned(UpstreamCredentialId credential) {
        for (Member member : members.get()) {
            if (!member.credential().id().equals(credential)) {
                continue;
            }
            if (member.status() == CredentialStatus.DISABLED) {
                return new CredentialChoice.None("the upstream credential holding this resource is disabled");
            }
            if (isHeldOut(credential, clock.instant())) {
                return new CredentialChoice.None("the upstream credential holding this resource was rejected by "
                        + "the upstream");
            }
            return new CredentialChoice.Use(member.credential());
        }
        return new CredentialChoice.None("the upstream credential holding this resource is no longer in the pool");
    }

    private UpstreamCredential weighted(List<Member> from) {
        if (from.size() == 1) {
            return from.getFirst().credential();
        }
        long total = 0;
        for (Member member : from) {
            total += member.weight();
        }
        double point = random.getAsDouble() * total;
        for (Member member : from) {
            point -= member.weight();
            if (point < 0) {
                return member.credential();
            }
        }
        return from.getLast().credential();
    }

    /** The port's choice for a call outside the retry path: {@link #choose} with nothing tried. */
    @Override
    public UpstreamCredential select(ModelId model) {
        return switch (choose(model, Set.of())) {
            case CredentialChoice.Use use -> use.credential();
            case CredentialChoice.None none -> throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0,
                    "no upstream credential can serve: " + none.reason());
        };
    }

    @Override
    public List<UpstreamCredential> all() {
        return members.get().stream().map(Member::credential).toList();
    }

    /**
     * Google answered {@code upstreamStatus} (401, 403, or 400 API_KEY_INVALID) to {@code credential}: it is held out
     * for the quarantine, and the listener is told (metric, audit, alert) unless it was already held out.
     */
    @Override
    public void rejected(UpstreamCredentialId credential, int upstreamStatus) {
        Instant now = clock.instant();
        Instant until = now.plus(quarantine);
        Instant before = heldOut.put(credential, until);
        if (before == null || !before.isAfter(now)) {
            rejections.rejected(credential, upstreamStatus, until);
        }
    }

    /** A call with {@code credential} starts; pair with {@link #ended}. */
    @Override
    public void started(UpstreamCredentialId credential) {
        Use use = uses.computeIfAbsent(credential, id -> new Use());
        use.inFlight.incrementAndGet();
        use.calls.incrementAndGet();
        use.lastCallAt = clock.instant();
    }

    @Override
    public void ended(UpstreamCredentialId credential) {
        Use use = uses.get(credential);
        if (use != null) {
            use.inFlight.decrementAndGet();
        }
    }

    /** Calls in flight with {@code credential} on this replica. */
    public int inFlight(UpstreamCredentialId credential) {
        Use use = uses.get(credential);
        return use == null ? 0 : use.inFlight.get();
    }

    private boolean isHeldOut(UpstreamCredentialId credential, Instant now) {
        Instant until = heldOut.get(credential);
        return until != null && until.isAfter(now);
    }

    /** Each credential's health on this replica. */
    public List<Health> health() {
        Instant now = clock.instant();
        Map<UpstreamCredentialId, Map<ModelId, CircuitState>> states = circuits.states();
        List<Health> out = new ArrayList<>();
        for (Member member : members.get()) {
            UpstreamCredentialId id = member.credential().id();
            Instant until = heldOut.get(id);
            Use use = uses.get(id);
            out.add(new Health(id, member.status(), member.weight(), use == null ? 0 : use.inFlight.get(),
                    Optional.ofNullable(until).filter(u -> u.isAfter(now)), states.getOrDefault(id, Map.of()),
                    use == null ? 0 : use.calls.get(), Optional.ofNullable(use == null ? null : use.lastCallAt)));
        }
        return out;
    }

    /**
     * Whether some credential can serve: an active one, not held out, whose circuits are not all open (a credential
     * never called has none, and can). Readiness goes down only when none can.
     */
    public boolean canServe() {
        for (Health health : health()) {
            if (health.status() == CredentialStatus.ACTIVE && health.heldOutUntil().isEmpty()
                    && (health.circuits().isEmpty()
                    || health.circuits().values().stream().anyMatch(s -> s != CircuitState.OPEN))) {
                return true;
            }
        }
        return false;
    }
}
