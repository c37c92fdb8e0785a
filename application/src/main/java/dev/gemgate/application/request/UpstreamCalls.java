package dev.gemgate.application.request;

import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.application.port.ResilienceMetrics;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.upstream.CredentialChoice;
import dev.gemgate.domain.upstream.FallbackPolicySource;
import dev.gemgate.domain.upstream.RetryBudget;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import dev.gemgate.domain.upstream.UpstreamRetryPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Step f of the request path, shared by every use case that calls the upstream: the attempts of one request, each
 * admitted through its {@link Ticket} ({@link Ticket#admitUpstream}: the gate and Google's limits of the credential x
 * model), within the request's deadline, retried by the {@link UpstreamRetryPolicy} as far as the {@link RetryBudget}
 * allows, on another credential of the vault when there is one, and, for generation, moved along the tenant's
 * fallback chain ({@link FallbackPolicySource}) when the model cannot serve.
 *
 * <h2>The deadline</h2>
 * Every request has one: the caller's ({@code X-Server-Timeout}, {@link RequestContext#deadline}) when it is sooner
 * than the configured default after the request was opened. No attempt starts and no wait is made that would end
 * past it; each attempt's own timeout is what is left of it (at most the configured attempt timeout). A request that
 * runs out during an attempt, or before any, is answered 504 DEADLINE_EXCEEDED; one that runs out between attempts
 * (waiting for its admission) is answered its last failure.
 *
 * <h2>The loop</h2>
 * For the model asked for, then each fallback model the ticket accepts ({@link Ticket#serveWith}: in the key's scope,
 * priced, and affordable within the budget reservation): up to {@code maxAttempts} attempts, each on a credential the
 * vault chooses, preferring one this request has not tried. A failure that is not retryable (400, 404, a stream that
 * had begun) is answered at once. A credential Google rejected is reported to the vault (which holds it out) and
 * another is tried. A failure bound to its credential (429, rejected, open circuit, full bulkhead) is tried again at
 * once on another credential, or, on the same one, after the gate's cooldown (a 429's RetryInfo delay) or, for an
 * open circuit or a full bulkhead, not at all: the next fallback model is tried. Any other retryable failure (5xx, a
 * timeout, a reset connection) waits the backoff first. Every attempt after the first is paid from the retry budget;
 * when it is spent, the last failure is answered. The failure answered carries the number of attempts
 * ({@link UpstreamException#afterAttempts}).
 */
public final class UpstreamCalls {
    /** One attempt: call the upstream for {@code model} with {@code credential}, within {@code timeout}. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call(ModelId model, UpstreamCredential credential, Duration timeout);
    }

    /** How a successful call was served. */
    public record Served<T>(T value, ModelId model, int attempts) {
    }

    /** Waits between attempts (a parameter so that tests need not sleep). */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = duration -> Thread.sleep(duration);

        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * @param deadline       the deadline of a request whose caller named none (or a later one), from its opening
     * @param attemptTimeout the longest one attempt may take
     */
    public record Settings(Duration deadline, Duration attemptTimeout, UpstreamRetryPolicy retry) {
        public Settings {
            if (deadline == null || attemptTimeout == null || retry == null || !deadline.isPositive()
                    || !attemptTimeout.isPositive()) {
                throw new IllegalArgumentException("a positive deadline and attempt timeout, and a retry policy");
            }
        }

        /** No retries: one attempt within {@code timeout}. */
        public static Settings single(Duration timeout) {
            return new Settings(timeout, timeout, new UpstreamRetryPolicy(1, UpstreamRetryPolicy.DEFAULT.backoff()));
        }
    }

    private final UpstreamKeyVault vault;
    private final GenerationPort port;
    private final RetryBudget budget;
    private final FallbackPolicySource fallbacks;
    private final PricingCatalog pricing;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final Settings settings;
    private final ResilienceMetrics metrics;

    public UpstreamCalls(UpstreamKeyVault vault, GenerationPort port, RetryBudget budget,
                         FallbackPolicySource fallbacks, PricingCatalog pricing, Clock clock, Sleeper sleeper,
                         DoubleSupplier random, Settings settings, ResilienceMetrics metrics) {
        if (vault == null || port == null || budget == null || fallbacks == null || pricing == null || clock == null
                || sleeper == null || random == null || settings == null || metrics == null) {
            throw new IllegalArgumentException("every collaborator of the upstream calls is required");
        }
        this.vault = vault;
        this.port = port;
        this.budget = budget;
        this.fallbacks = fallbacks;
        this.pricing = pricing;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** One attempt, no retry and no fallback (tests and single-shot wiring). */
    public static UpstreamCalls single(UpstreamKeyVault vault, GenerationPort port, PricingCatalog pricing,
                                       Clock clock, Duration timeout) {
        return new UpstreamCalls(vault, port, new RetryBudget(RetryBudget.Settings.DEFAULT, clock),
                FallbackPolicySource.NONE, pricing, clock, Sleeper.REAL, Math::random, Settings.single(timeout),
                ResilienceMetrics.NONE);
    }

    public GenerationPort port() {
        return port;
    }

    public Settings settings() {
        return settings;
    }

    /** When {@code ticket}'s request runs out: its caller's deadline, or the default one from its opening. */
    public Instant deadlineOf(Ticket ticket) {
        Instant byDefault = ticket.openedAt().plus(settings.deadline());
        return ticket.context().deadline().filter(d -> d.isBefore(byDefault)).orElse(byDefault);
    }

    /**
     * A generation: retried, and moved along the tenant's fallback chain when the model cannot serve. {@code bound} is
     * the usage the budget reservation covers (a fallback must be affordable within it).
     */
    public <T> Served<T> generation(Ticket ticket, Usage bound, Cancellation cancellation, Attempt<T> attempt) {
        return generation(ticket, bound, cancellation, Pin.NONE, attempt);
    }

    /**
     * A generation held to {@code pin}: with a credential, every attempt uses it (the request names a resource in its
     * project); with {@link Pin#modelFixed}, no fallback model is tried (a context cache serves its own model only).
     */
    public <T> Served<T> generation(Ticket ticket, Usage bound, Cancellation cancellation, Pin pin,
                                    Attempt<T> attempt) {
        List<ModelId> models = new ArrayList<>();
        models.add(ticket.model());
        if (!pin.modelFixed()) {
            models.addAll(fallbacks.chainFor(ticket.context().caller().tenant(), ticket.model()));
        }
        return run(ticket, models, bound, cancellation, pin.credential(), attempt);
    }

    /** A call that only the model asked for can answer (countTokens, embeddings): retried, never moved. */
    public <T> Served<T> retrying(Ticket ticket, Attempt<T> attempt) {
        return retrying(ticket, Optional.empty(), attempt);
    }

    /**
     * A call naming a server-side resource (a file, a context cache, a batch job) of {@code credential}'s project:
     * retried on that credential only, never moved to another credential or model. When the vault may not use it
     * (disabled, gone, rejected), 503 UNAVAILABLE.
     */
    public <T> Served<T> pinned(Ticket ticket, UpstreamCredentialId credential, Attempt<T> attempt) {
        return retrying(ticket, Optional.of(credential), attempt);
    }

    /**
     * {@link #retrying(Ticket, Attempt)}, or {@link #pinned} to {@code pin} when the call names a resource of that
     * credential's project (a {@link Pin#credential()}).
     */
    public <T> Served<T> retrying(Ticket ticket, Optional<UpstreamCredentialId> pin, Attempt<T> attempt) {
        return run(ticket, List.of(ticket.model()), Usage.NONE, new Cancellation(), pin, attempt);
    }

    /**
     * What holds a generation to one credential or one model: {@code credential}, the credential whose project holds
     * a resource the request names; {@code modelFixed}, no fallback model.
     */
    public record Pin(Optional<UpstreamCredentialId> credential, boolean modelFixed) {
        public static final Pin NONE = new Pin(Optional.empty(), false);

        public Pin {
            if (credential == null) {
                throw new IllegalArgumentException("a pin's credential is required (Optional.empty for none)");
            }
        }
    }

    private <T> Served<T> run(Ticket ticket, List<ModelId> models, Usage bound, Cancellation cancellation,
                              Optional<UpstreamCredentialId> pinned, Attempt<T> attempt) {
        Instant deadline = deadlineOf(ticket);
        budget.requested();
        RuntimeException last = null;
        int attempts = 0;
        for (ModelId model : models) {
            if (!model.equals(ticket.model())) {
                String why = last == null ? "no credential could serve" : reason(last);
                if (!ticket.serveWith(model, pricing.priceAt(model, clock.instant()), bound, why)) {
                    continue;
                }
                metrics.fellBack(ticket.model(), model);
            }
            Set<UpstreamCredentialId> tried = new HashSet<>();
            Set<UpstreamCredentialId> heldByGate = new HashSet<>();
            int failuresHere = 0;
            Duration backoff = Duration.ZERO;
            while (failuresHere < settings.retry().maxAttempts()) {
                if (attempts > 0) {
                    if (cancellation.isCancelled()) {
                        throw enrich(last, attempts);
                    }
                    // paid before the backoff is slept: a retry the budget refuses costs the caller no wait
                    if (!budget.tryRetry()) {
                        metrics.retryRefused(model);
                        throw enrich(last, attempts);
                    }
                }
                if (!backoff.isZero()) {
                    pause(backoff, attempts, last);
                    backoff = Duration.ZERO;
                }
                Instant now = clock.instant();
                if (!UpstreamRetryPolicy.fits(now, Duration.ZERO, deadline)) {
                    // the deadline ran out between attempts (waiting for admission): the last failure says why the
                    // request was not served (Google's 429, the gate's refusal with its delay), a bare 504 would not
                    throw last == null ? deadlineExceeded(attempts, null) : enrich(last, attempts);
                }
                CredentialChoice choice = pinned.isPresent() ? vault.pinned(pinned.get()) : vault.choose(model, tried);
                UpstreamCredential credential = switch (choice) {
                    case CredentialChoice.Use use -> use.credential();
                    case CredentialChoice.None none -> null;
                };
                if (credential == null) {
                    last = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0, pinned.isPresent()
                            ? "the upstream cannot be reached for this resource: "
                            + ((CredentialChoice.None) choice).reason()
                            : "no upstream credential can serve models/" + model);
                    break;
                }
                if (heldByGate.contains(credential.id())
                        || tried.contains(credential.id()) && last instanceof UpstreamException u
                        && !UpstreamRetryPolicy.worthRepeatingOnSameCredential(u)) {
                    break; // every credential holds this model back: the next fallback model, if any
                }
                try {
                    ticket.admitUpstream(credential);
                } catch (LimitExceededException refused) {
                    // the gate or Google's limits hold this credential x model back past what the request can wait:
                    // another credential may serve; the answer, if none does, is Google's own 429 when there was one
                    if (!(last instanceof UpstreamException u && u.kind() == UpstreamException.Kind.RATE_LIMITED)) {
                        last = refused;
                    }
                    tried.add(credential.id());
                    heldByGate.add(credential.id());
                    failuresHere++;
                    continue;
                }
                attempts++;
                Duration timeout = min(Duration.between(clock.instant(), deadline), settings.attemptTimeout());
                vault.started(credential.id());
                RequestTracing.UpstreamAttempt traced = ticket.span().attempt(model, credential, attempts);
                try {
                    T value;
                    try {
                        value = attempt.call(model, credential, timeout.isPositive() ? timeout : Duration.ofMillis(1));
                    } catch (RuntimeException failure) {
                        traced.failed(failure);
                        throw failure;
                    }
                    traced.answered(value instanceof GenerationResponse response ? Optional.of(response)
                            : Optional.empty());
                    return new Served<>(value, model, attempts);
                } catch (UpstreamException failure) {
                    if (failure.kind() == UpstreamException.Kind.CREDENTIAL_REJECTED) {
                        vault.rejected(credential.id(), failure.upstreamStatus());
                    }
                    if (!UpstreamRetryPolicy.retryable(failure)) {
                        throw enrich(failure, attempts);
                    }
                    ticket.upstreamAttemptFailed(failure);
                    last = failure;
                    tried.add(credential.id());
                    failuresHere++;
                    if (failure.kind() == UpstreamException.Kind.CIRCUIT_OPEN
                            || failure.kind() == UpstreamException.Kind.CREDENTIAL_BUSY) {
                        attempts--; // no call reached the upstream
                    }
                    metrics.retried(model, failure.kind());
                    Duration wait = settings.retry().waitBefore(failuresHere, failure, random.getAsDouble());
                    if (!UpstreamRetryPolicy.fits(clock.instant(), wait, deadline)) {
                        break; // no time to wait for this model; a fallback needs no wait
                    }
                    backoff = wait;
                } finally {
                    vault.ended(credential.id());
                }
            }
        }
        if (last == null) {
            last = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0, "no upstream credential can serve");
        }
        throw enrich(last, Math.max(1, attempts));
    }

    private void pause(Duration wait, int attempts, RuntimeException failure) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw enrich(failure, attempts);
        }
    }

    private static String reason(RuntimeException failure) {
        return failure instanceof UpstreamException u
                ? u.kind().name().toLowerCase().replace('_', ' ') + (u.upstreamStatus() > 0
                ? " (HTTP " + u.upstreamStatus() + ")" : "")
                : "its upstream limits are exhausted";
    }

    private static RuntimeException enrich(RuntimeException failure, int attempts) {
        return failure instanceof UpstreamException u && attempts > 1 ? u.afterAttempts(attempts) : failure;
    }

    private static UpstreamException deadlineExceeded(int attempts, RuntimeException last) {
        int status = last instanceof UpstreamException u ? u.upstreamStatus() : 0;
        UpstreamException timeout = new UpstreamException(UpstreamException.Kind.TIMEOUT, status,
                "the request's deadline passed" + (attempts > 0 ? " after " + attempts + " upstream attempts" : ""),
                null, last);
        return attempts > 1 ? timeout.afterAttempts(attempts) : timeout;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
