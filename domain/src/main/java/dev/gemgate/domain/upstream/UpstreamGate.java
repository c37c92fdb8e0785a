package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.quota.Bucket;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gemgate's own admission to each upstream credential x model, adapted to what Google answers, so that a 429 storm
 * upstream does not become a retry storm: a try-style decision ({@link #tryAcquire}: {@link Decision.Go} with a
 * {@link Permit}, or {@link Decision.NotBefore} naming the limit and the time until a call may go), never a wait inside
 * the gate. The caller reports each admitted call's outcome on its permit, exactly once.
 *
 * <h2>Algorithm (per credential x model)</h2>
 * <ul>
 *   <li><b>Cooldown (RetryInfo honoured).</b> An upstream 429 closes the gate until {@code now + delay}: the 429's
 *   RetryInfo {@code retryDelay} when it has one; otherwise, when its QuotaFailure {@code quotaId}s name a per-day
 *   quota (contain {@code PerDay}, e.g. {@code GenerateRequestsPerDayPerProjectPerModel-FreeTier}), until the next
 *   midnight Pacific time (America/Los_Angeles, daylight saving followed: Google's daily reset); otherwise
 *   {@link Settings#defaultCooldown()} (10 s). A later 429 never shortens a cooldown already running. During it every
 *   call is refused with the time left, naming {@link #REQUESTS_PER_DAY} (a per-day quotaId), {@link #TOKENS_PER_MINUTE}
 *   (a quotaId naming tokens) or {@link #REQUESTS_PER_MINUTE}.</li>
 *   <li><b>One probe after a 429.</b> When the cooldown has passed, a single call (the probe) goes upstream; until it
 *   returns, others are refused for {@code min(the last cooldown, defaultCooldown)} (at least {@link #MIN_WAIT}). A
 *   successful probe reopens the gate; a probe answered 429 starts the next cooldown; a probe that fails otherwise (a
 *   5xx, a timeout, a client gone) lets the next call probe. So while Google keeps answering 429, Gemgate sends one
 *   call per cooldown period, whatever the number of clients.</li>
 *   <li><b>AIMD on the in-flight window.</b> At most {@code window} calls are in flight at once ({@code floor}, at
 *   least 1; beyond it a call is refused for {@link #FULL_WINDOW_WAIT} naming {@link #REQUESTS_IN_FLIGHT}). The window
 *   starts at {@link Settings#maxInFlight()} (10,000). Multiplicative decrease: a 429 sets it to half of what was in
 *   flight ({@code max(1, min(window, inFlight) / 2)}), at most once per round: only a call admitted after the last
 *   decrease decreases it again, so the replies to one burst halve it once. Additive increase: each success adds 1,
 *   up to {@code maxInFlight}; a window of {@code w} regains {@code w} within one round of successes (a
 *   round-trip's worth of calls), so it recovers in a few round trips, not minutes.</li>
 *   <li>Any other outcome (a 5xx, a timeout, a cancelled call) frees its place in the window and changes nothing else:
 *   those are the circuit breaker's business, not the quota's.</li>
 * </ul>
 *
 * <p>The gate is per instance: N replicas each send at most one probe per cooldown. Google's configured limits are
 * tracked fleet-wide by the rate limiter ({@link UpstreamLimits}); this gate reacts to what Google actually answers.
 * Thread-safe: one monitor per credential x model, held only for a few field updates.
 */
public final class UpstreamGate {
    /** Names of the limits a refusal carries (the QuotaFailure {@code quotaId} a client sees). */
    public static final String REQUESTS_PER_MINUTE = "UpstreamRequestsPerMinute";
    public static final String TOKENS_PER_MINUTE = "UpstreamTokensPerMinute";
    public static final String REQUESTS_PER_DAY = "UpstreamRequestsPerDay";
    public static final String REQUESTS_IN_FLIGHT = "UpstreamRequestsInFlight";

    /** The shortest wait a refusal names: a caller is never told to come back at once and spin. */
    public static final Duration MIN_WAIT = Duration.ofMillis(100);
    /** The wait named when the in-flight window is full: about the time for a short call to return. */
    public static final Duration FULL_WINDOW_WAIT = Duration.ofMillis(250);

    /**
     * @param maxInFlight     the window's ceiling and starting value: calls in flight at once per credential x model
     * @param defaultCooldown the cooldown after a 429 that gives no RetryInfo and names no per-day quota
     */
    public record Settings(int maxInFlight, Duration defaultCooldown) {
        public static final Settings DEFAULT = new Settings(10_000, Duration.ofSeconds(10));

        public Settings {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("the upstream in-flight ceiling must be at least 1: " + maxInFlight);
            }
            if (defaultCooldown == null || defaultCooldown.compareTo(MIN_WAIT) < 0
                    || defaultCooldown.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("the upstream default cooldown must be from 100ms to 1 day: "
                        + defaultCooldown);
            }
        }
    }

    /** The gate's answer for one call. */
    public sealed interface Decision {
        /** The call may go; report its outcome on {@code permit}. */
        record Go(Permit permit) implements Decision {
        }

        /** No call before {@code retryAfter} has passed; {@code limit} names why (e.g. {@link #REQUESTS_PER_MINUTE}). */
        record NotBefore(String limit, Duration retryAfter) implements Decision {
            public NotBefore {
                if (limit == null || retryAfter == null || !retryAfter.isPositive()) {
                    throw new IllegalArgumentException("a refusal names its limit and a positive wait");
                }
            }
        }
    }

    /**
     * What the gate holds for one credential x model, for tests and metrics.
     *
     * @param cooldownUntil no call before this instant ({@link Instant#MIN} when none)
     * @param probing       whether the next call after the cooldown is a single probe
     */
    public record Standing(double window, int inFlight, Instant cooldownUntil, boolean probing) {
    }

    private record Key(UpstreamCredentialId credential, ModelId model) {
    }

    private final Settings settings;
    private final ConcurrentHashMap<Key, State> states = new ConcurrentHashMap<>();

    public UpstreamGate(Settings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Whether a call to {@code model} with {@code credential} may go now; never waits. */
    public Decision tryAcquire(UpstreamCredentialId credential, ModelId model, Instant now) {
        State state = states.computeIfAbsent(new Key(credential, model), k -> new State(settings.maxInFlight()));
        synchronized (state) {
            if (now.isBefore(state.cooldownUntil)) {
                return new Decision.NotBefore(state.cooldownLimit, atLeastMin(Duration.between(now, state.cooldownUntil)));
            }
            if (state.probing) {
                if (state.probeInFlight) {
                    return new Decision.NotBefore(state.cooldownLimit, probeWait(state));
                }
                state.probeInFlight = true;
                state.inFlight++;
                return new Decision.Go(new Permit(state, state.epoch, true));
            }
            if (state.inFlight >= Math.max(1, (int) state.window)) {
                return new Decision.NotBefore(REQUESTS_IN_FLIGHT, FULL_WINDOW_WAIT);
            }
            state.inFlight++;
            return new Decision.Go(new Permit(state, state.epoch, false));
        }
    }

    /** The gate's view of {@code credential} x {@code model}; empty if it has never been called. */
    public Optional<Standing> standing(UpstreamCredentialId credential, ModelId model) {
        State state = states.get(new Key(credential, model));
        if (state == null) {
            return Optional.empty();
        }
        synchronized (state) {
            return Optional.of(new Standing(state.window, state.inFlight, state.cooldownUntil, state.probing));
        }
    }

    /**
     * Forgets every cooldown and window (an operator who knows the upstream's quota was raised; tests). Permits still
     * out report into the forgotten state, harmlessly.
     */
    public void clear() {
        states.clear();
    }

    private Duration probeWait(State state) {
        Duration wait = state.lastCooldown.compareTo(settings.defaultCooldown()) < 0 ? state.lastCooldown
                : settings.defaultCooldown();
        return atLeastMin(wait);
    }

    private static Duration atLeastMin(Duration d) {
        return d.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : d;
    }

    /** The limit a 429 exhausted, read from its quotaIds. */
    static String limitOf(List<String> quotaIds) {
        if (isPerDay(quotaIds)) {
            return REQUESTS_PER_DAY;
        }
        for (String id : quotaIds) {
            if (id.contains("Token")) {
                return TOKENS_PER_MINUTE;
            }
        }
        return REQUESTS_PER_MINUTE;
    }

    static boolean isPerDay(List<String> quotaIds) {
        for (String id : quotaIds) {
            if (id.contains("PerDay")) {
                return true;
            }
        }
        return false;
    }

    /** The gate of one credential x model. Every field is guarded by the object's monitor. */
    private static final class State {
        final int maxWindow;
        double window;
        int inFlight;
        Instant cooldownUntil = Instant.MIN;
        String cooldownLimit = REQUESTS_PER_MINUTE;
        Duration lastCooldown = Duration.ZERO;
        boolean probing;
        boolean probeInFlight;
        /** Counts decreases: a 429 of a call admitted before the last decrease does not decrease again. */
        long epoch;

        State(int maxWindow) {
            this.maxWindow = maxWindow;
            this.window = maxWindow;
        }
    }

    /** One admitted call. Report exactly one outcome; later reports are ignored. */
    public final class Permit {
        private final State state;
        private final long epoch;
        private final boolean probe;
        private final AtomicBoolean reported = new AtomicBoolean();

        private Permit(State state, long epoch, boolean probe) {
            this.state = state;
            this.epoch = epoch;
            this.probe = probe;
        }

        /** Whether this call is the single probe after a cooldown. */
        public boolean probe() {
            return probe;
        }

        /** The upstream answered: the window grows by one (up to its ceiling); a probe reopens the gate. */
        public void succeeded(Instant now) {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            synchronized (state) {
                leave();
                if (probe) {
                    state.probing = false;
                }
                state.window = Math.min(state.maxWindow, state.window + 1);
            }
        }

        /**
         * The upstream answered 429: cooldown for {@code retryDelay} (its RetryInfo), else until midnight Pacific for a
         * per-day {@code quotaIds}, else the default; the window halves once per round; the next call is a probe.
         */
        public void rateLimited(Optional<Duration> retryDelay, List<String> quotaIds, Instant now) {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            List<String> ids = quotaIds == null ? List.of() : quotaIds;
            Duration delay = retryDelay.filter(d -> !d.isNegative()).orElseGet(() -> isPerDay(ids)
                    ? Bucket.Shape.PER_DAY_PACIFIC.untilNextDay(now) : settings.defaultCooldown());
            Instant until = now.plus(delay);
            synchronized (state) {
                int inFlightWithThis = state.inFlight;
                leave();
                if (until.isAfter(state.cooldownUntil)) {
                    state.cooldownUntil = until;
                    state.cooldownLimit = limitOf(ids);
                    state.lastCooldown = delay;
                }
                if (epoch == state.epoch) {
                    state.window = Math.max(1, Math.min(state.window, inFlightWithThis) / 2.0);
                    state.epoch++;
                }
                state.probing = true;
            }
        }

        /** Any other outcome (an error, a timeout, a cancelled call): the place in the window is freed, nothing else. */
        public void released(Instant now) {
            if (!reported.compareAndSet(false, true)) {
                return;
            }
            synchronized (state) {
                leave();
            }
        }

        private void leave() {
            state.inFlight = Math.max(0, state.inFlight - 1);
            if (probe) {
                state.probeInFlight = false;
            }
        }
    }
}
