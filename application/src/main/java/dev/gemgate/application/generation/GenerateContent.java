package dev.gemgate.application.generation;

import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One generateContent call through the whole policy chain, in the order of ARCHITECTURE.md section 3: validate,
 * estimate, quota, cache, budget, upstream, settle, audit + metrics. Every exit (success or typed failure) is
 * recorded exactly once; a reservation or admission taken is always settled, corrected or released.
 */
public final class GenerateContent {
    public record Command(Caller caller, GenerationRequest request, RequestId requestId, Optional<String> endUser,
                          CacheDirective cacheDirective) {
        public Command {
            if (caller == null || request == null || requestId == null || endUser == null || cacheDirective == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }
    }

    public record Result(GenerationResponse response, Money cost, CacheStatus cacheStatus) {
    }

    private final PricingCatalog pricing;
    private final QuotaLimiter quota;
    private final ResponseCache cache;
    private final BudgetLedger ledger;
    private final UpstreamKeyVault vault;
    private final GenerationPort upstream;
    private final RequestRecorder recorder;
    private final IdGenerator ids;
    private final Clock clock;
    private final GenerationPolicy policy;
    private final TokenEstimator estimator = new TokenEstimator();
    private final CostCalculator calculator = new CostCalculator();

    public GenerateContent(PricingCatalog pricing, QuotaLimiter quota, ResponseCache cache, BudgetLedger ledger,
                           UpstreamKeyVault vault, GenerationPort upstream, RequestRecorder recorder, IdGenerator ids,
                           Clock clock, GenerationPolicy policy) {
        this.pricing = pricing;
        this.quota = quota;
        this.cache = cache;
        this.ledger = ledger;
        this.vault = vault;
        this.upstream = upstream;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.policy = policy;
    }

    public Result execute(Command command) {
        long startNanos = System.nanoTime();
        Instant now = clock.instant();
        GenerationRequest request = command.request();
        String fingerprint = RequestFingerprint.of(request);
        Trace trace = new Trace(command, fingerprint, now, startNanos);
        try {
            Result result = run(command, request, fingerprint, now);
            trace.finish(result.cacheStatus() == CacheStatus.HIT ? Outcome.CACHE_HIT : Outcome.SUCCESS,
                    result.response().usage(), result.cost(), "");
            return result;
        } catch (DomainException e) {
            trace.finish(Outcomes.of(e), Usage.NONE, Money.ZERO, e.getMessage());
            throw e;
        }
    }

    private Result run(Command command, GenerationRequest request, String fingerprint, Instant now) {
        // a. validate
        ModelPrice price = ModelAccess.requireServed(pricing, request.model(), now);
        validate(request);
        // b. estimate
        long inputTokens = estimator.estimateInput(request);
        long outputTokens = estimator.estimateOutput(request, policy.defaultMaxOutputTokens());
        // c. quota
        QuotaTicket ticket = admit(new QuotaRequest(command.caller().tenant(), request.model(), 1,
                inputTokens + outputTokens), now);
        boolean settledQuota = false;
        try {
            // d. cache
            CacheKey cacheKey = new CacheKey(command.caller().tenant(), fingerprint);
            boolean cacheOn = !policy.cacheTtl().isZero() && command.cacheDirective() != CacheDirective.NO_STORE;
            if (cacheOn && command.cacheDirective() == CacheDirective.DEFAULT) {
                Optional<GenerationResponse> hit = cache.get(cacheKey, now);
                if (hit.isPresent()) {
                    quota.correct(ticket, 0, now);
                    settledQuota = true;
                    return new Result(hit.get(), Money.ZERO, CacheStatus.HIT);
                }
            }
            // e. budget
            Money estimate = calculator.cost(price, new Usage(inputTokens, outputTokens, 0, 0));
            ReservationId reservation = reserve(new ReservationRequest(command.requestId(), command.caller().tenant(),
                    command.endUser(), estimate), now);
            // f. upstream
            GenerationResponse response;
            try {
                response = upstream.generate(request, vault.select(request.model()), policy.upstreamTimeout());
            } catch (RuntimeException e) {
                ledger.release(reservation, clock.instant());
                throw e;
            }
            // g. settle
            Instant done = clock.instant();
            Money cost = calculator.cost(price, response.usage());
            ledger.settle(reservation, cost, done);
            quota.correct(ticket, response.usage().totalTokens(), done);
            settledQuota = true;
            if (cacheOn) {
                cache.put(cacheKey, response, policy.cacheTtl(), done);
            }
            return new Result(response, cost, cacheOn ? CacheStatus.MISS : CacheStatus.BYPASS);
        } finally {
            if (!settledQuota) {
                quota.correct(ticket, 0, clock.instant());
            }
        }
    }

    private void validate(GenerationRequest request) {
        if (request.inlineBytes() > policy.maxInlineBytes()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE,
                    "Request payload size exceeds the limit: inline data is " + request.inlineBytes()
                            + " bytes, the limit is " + policy.maxInlineBytes() + " bytes.");
        }
        if (request.maxOutputTokens().isPresent() && request.maxOutputTokens().getAsLong() > policy.maxOutputTokens()) {
            throw new InvalidRequestException(InvalidRequestException.Reason.LIMIT_EXCEEDED,
                    "generationConfig.maxOutputTokens is " + request.maxOutputTokens().getAsLong()
                            + "; the most this gateway allows is " + policy.maxOutputTokens() + ".");
        }
    }

    private QuotaTicket admit(QuotaRequest request, Instant now) {
        return switch (quota.admit(request, now)) {
            case QuotaDecision.Admitted a -> a.ticket();
            case QuotaDecision.Refused r -> throw new LimitExceededException(LimitExceededException.Kind.QUOTA,
                    r.limit(), r.retryAfter(), "Quota exceeded for " + r.limit() + "; retry in "
                    + Math.max(1, r.retryAfter().toSeconds()) + "s.");
        };
    }

    private ReservationId reserve(ReservationRequest request, Instant now) {
        return switch (ledger.reserve(request, now)) {
            case ReservationOutcome.Reserved r -> r.id();
            case ReservationOutcome.Refused r -> {
                Duration untilReset = r.resetsAt().equals(Instant.MAX) ? null : Duration.between(now, r.resetsAt());
                throw new LimitExceededException(LimitExceededException.Kind.BUDGET, r.budget().name(), untilReset,
                        "The " + r.budget().name() + " (" + r.budget().limit() + ") cannot afford this request"
                                + (untilReset == null ? "." : "; it resets at " + r.resetsAt() + "."));
            }
        };
    }

    /** Builds the single audit event of this request once its outcome is known. */
    private final class Trace {
        private final Command command;
        private final String fingerprint;
        private final Instant startedAt;
        private final long startNanos;

        Trace(Command command, String fingerprint, Instant startedAt, long startNanos) {
            this.command = command;
            this.fingerprint = fingerprint;
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        void finish(Outcome outcome, Usage usage, Money cost, String detail) {
            recorder.record(new AuditEvent(ids.newUuid(), startedAt, AuditEventType.GENERATE_CONTENT,
                    command.requestId(), Optional.empty(), Optional.of(command.caller().tenant()), Optional.of(command.caller().apiKey()),
                    command.caller().apiKey().toString(), Optional.of(command.request().model()), usage, cost,
                    Duration.ofNanos(System.nanoTime() - startNanos), outcome, Optional.of(fingerprint), detail));
        }
    }
}
