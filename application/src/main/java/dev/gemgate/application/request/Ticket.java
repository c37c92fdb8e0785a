package dev.gemgate.application.request;

import dev.gemgate.application.generation.Outcomes;
import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.ResourcePin;
import dev.gemgate.domain.resource.ResourceReferences;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.waiting.Lane;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request between admission and settlement. Admits quota, then budget; closes exactly once, whichever of
 * {@link #settle} and {@link #fail} comes first (a stream's completion and its cancellation may race), releasing or
 * correcting what was taken and emitting the single audit event and metric observation. A failure of the ledger or
 * the quota store while closing is logged and never hides the outcome: a call the upstream billed is still recorded
 * with its real usage, and its answer still reaches the caller (the ledger's stale reservation expires by itself).
 */
public final class Ticket {
    private static final System.Logger LOG = System.getLogger(Ticket.class.getName());
    private static final CostCalculator CALCULATOR = new CostCalculator();

    private final Admission policy;
    private final RequestContext context;
    private final AuditEventType type;
    private final ModelId model;
    /** False for a call that names no model ({@link Admission#openWithoutModel}): {@link #model} is only its lane. */
    private final boolean namesModel;
    private volatile ModelId servedModel;
    private volatile Optional<ModelPrice> price;
    private volatile String servedDetail = "";
    private volatile String note = "";
    private volatile Money reserved;
    private final Optional<String> promptHash;
    private final Instant openedAt;
    private final long startNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile QuotaTicket quotaTicket;
    private volatile RateLimitStatus rateLimits = RateLimitStatus.NONE;
    private volatile boolean tokensCounted = true;
    private volatile ReservationId reservation;
    private volatile UpstreamGate.Permit upstreamPermit;
    private volatile Lane upstreamLane;
    private volatile QuotaTicket upstreamQuotaTicket;
    private final RequestTracing.RequestSpan span;

    Ticket(Admission policy, RequestContext context, AuditEventType type, ModelId model, Optional<ModelPrice> price,
           Optional<String> promptHash) {
        this(policy, context, type, model, true, price, promptHash);
    }

    Ticket(Admission policy, RequestContext context, AuditEventType type, ModelId model, boolean namesModel,
           Optional<ModelPrice> price, Optional<String> promptHash) {
        this.policy = policy;
        this.namesModel = namesModel;
        this.context = context;
        this.type = type;
        this.model = model;
        this.servedModel = model;
        this.price = price;
        this.promptHash = promptHash;
        this.openedAt = policy.clock.instant();
        this.startNanos = System.nanoTime();
        this.span = policy.tracing.opened(context, type, model);
        policy.openTickets.begun();
    }

    /** This request's span: the parent of its upstream attempts' spans. */
    RequestTracing.RequestSpan span() {
        return span;
    }

    public RequestContext context() {
        return context;
    }

    /**
     * Step c: the request's rate-limit cost (one request, {@code estimatedTokens}); when a limit refuses it for now it
     * waits for room (bounded by the maximum wait and the caller's deadline, see {@link Admission}), else it is refused
     * as 429 QUOTA naming the limit, with the time until it would fit. Settlement corrects the tokens with the real
     * usage.
     */
    public void admitQuota(long estimatedTokens) {
        admit(estimatedTokens);
    }

    /**
     * Step c for a call that is free of tokens at Google (countTokens): one request against the request limits, no
     * tokens, and no token correction at settlement whatever its usage reports.
     */
    public void admitQuotaWithoutTokens() {
        tokensCounted = false;
        admit(0);
    }

    private void admit(long estimatedTokens) {
        requireOpen();
        if (quotaTicket != null) {
            throw new IllegalStateException("quota was already admitted for this request");
        }
        QuotaRequest request = new QuotaRequest(context.caller().tenant(), context.caller().apiKey(),
                namesModel ? Optional.of(model) : Optional.empty(), 1, estimatedTokens);
        QuotaDecision.Admitted admitted = policy.admitWaiting(request, context.deadline());
        rateLimits = admitted.status();
        quotaTicket = admitted.ticket();
    }

    /**
     * The credential (and model) {@code request} is held to by the server-side resources it names
     * ({@link ResourceReferences}: its files and its context cache): each must be the caller's tenant's own and alive,
     * else the refusal Google gives for a resource that does not exist ({@link ResourcePin}), before anything
     * reaches the upstream. They must all live in one credential's project (400 otherwise); a context cache also
     * holds the request to its model (no fallback). {@link UpstreamCalls.Pin#NONE} when it names none.
     */
    public UpstreamCalls.Pin pinFor(GenerationRequest request) {
        requireOpen();
        List<UpstreamResourceName> names = ResourceReferences.in(request);
        if (names.isEmpty()) {
            return UpstreamCalls.Pin.NONE;
        }
        ResourcePin pin = new ResourcePin(policy.resources, context.caller().tenant(), policy.clock.instant());
        names.forEach(pin::use);
        return new UpstreamCalls.Pin(pin.credential(), pin.namesCache());
    }

    /** The caller's tenant's spending policy: how this request is bounded for its budget reservation. */
    public SpendingPolicy spendingPolicy() {
        return policy.spendingPolicy(context.caller());
    }

    /**
     * Where the caller stands on its rate limits after {@link #admitQuota}, for the response's {@code x-ratelimit-*}
     * headers ({@link RateLimitStatus#NONE} before, or when no limit applies).
     */
    public RateLimitStatus rateLimits() {
        return rateLimits;
    }

    /**
     * Step e: holds {@code estimatedUsage}'s cost (an upper bound of what the call can cost) against every budget
     * that applies; refused as 429 BUDGET naming the budget. Only after {@link #admitQuota}.
     */
    public void reserveBudget(Usage estimatedUsage) {
        reserve(cost(estimatedUsage), Optional.empty());
    }

    /**
     * {@link #reserveBudget(Usage)} holding {@code extra} besides the usage's cost: a charge that is not tokens and
     * that the call commits the tenant to (a context cache's storage for the TTL it asks for). Settlement charges the
     * usage only; the rest goes back.
     */
    public void reserveBudget(Usage estimatedUsage, Money extra) {
        reserve(cost(estimatedUsage).plus(extra), Optional.empty());
    }

    /**
     * Step e for work that outlives its request (a batch job, which Google runs over hours): holds {@code estimate}
     * (already priced, e.g. at the batch price) against every budget that applies, for {@code holdFor} rather than
     * the ledger's own time to live; the ticket then {@link #handOver hands} the reservation over to whoever settles
     * the work when it ends. Refused as {@link #reserveBudget(Usage)} is. Only after {@link #admitQuota}.
     */
    public void reserveBudget(Money estimate, Duration holdFor) {
        reserve(estimate, Optional.of(holdFor));
    }

    private void reserve(Money estimate, Optional<Duration> holdFor) {
        requireOpen();
        if (quotaTicket == null || reservation != null) {
            throw new IllegalStateException("budget is reserved once, after quota");
        }
        Instant now = policy.clock.instant();
        reservation = switch (policy.ledger.reserve(new ReservationRequest(context.requestId(),
                context.caller().tenant(), Optional.of(context.caller().apiKey()), context.endUser(), estimate,
                holdFor), now)) {
            case ReservationOutcome.Reserved r -> {
                reserved = estimate;
                yield r.id();
            }
            case ReservationOutcome.Refused r -> {
                Duration untilReset = r.resetsAt().equals(Instant.MAX) ? null : Duration.between(now, r.resetsAt());
                throw new LimitExceededException(LimitExceededException.Kind.BUDGET, r.budget().name(), untilReset,
                        "The " + r.budget().name() + " (" + r.budget().limit() + ") cannot afford this request"
                                + (untilReset == null ? "." : "; it resets at " + r.resetsAt() + "."));
            }
        };
    }

    /**
     * Closes a request whose work goes on upstream after its answer (a batch job): a success, audited with no usage and
     * no cost ({@code detail} says why); its quota keeps the tokens it was admitted with (the work's tokens are spent
     * later, at Google; counting the estimate at creation is the documented rule); its budget reservation stays held,
     * to be settled when the work ends ({@link Admission#settleHandedOver}). Returns that reservation (empty when
     * none was taken). A closed ticket cannot be handed over.
     */
    public Optional<ReservationId> handOver(String detail) {
        if (!closed.compareAndSet(false, true)) {
            throw new IllegalStateException("the ticket is closed");
        }
        try {
            Instant now = policy.clock.instant();
            tokensCounted = false; // the admitted estimate stays charged
            correctQuota(0, now);
            reportUpstream(true, null, now);
            record(Outcome.SUCCESS, Usage.NONE, Money.ZERO, Money.ZERO, detail);
            return Optional.ofNullable(reservation);
        } finally {
            policy.openTickets.ended();
        }
    }

    /** What {@link #reserveBudget} holds; zero before. */
    public Money reserved() {
        Money held = reserved;
        return held == null ? Money.ZERO : held;
    }

    /**
     * Step f's admission, right before the upstream call with {@code credential}: the {@link UpstreamGate}'s permission
     * for this credential x model (refused during a cooldown after Google's 429, or while the single probe after it is
     * in flight), then Google's configured limits for it ({@code UpstreamRequestsPerMinute}, ...), counted fleet-wide
     * with this request's cost (one request and the estimated tokens admitted by {@link #admitQuota}). A request
     * refused for now waits in the waiting room within the maximum wait and its deadline
     * ({@link Admission#admitUpstream}); otherwise 429 QUOTA naming the limit, with the time until a call may go. Closing the ticket reports the call's outcome to
     * the gate (success, a 429 with its RetryInfo and quotaIds, anything else) and corrects the upstream's tokens.
     */
    public void admitUpstream(UpstreamCredential credential) {
        requireOpen();
        if (upstreamPermit != null) {
            throw new IllegalStateException("the upstream attempt before this one was not reported");
        }
        QuotaRequest cost = quotaTicket != null ? quotaTicket.charged()
                : new QuotaRequest(context.caller().tenant(), context.caller().apiKey(),
                namesModel ? Optional.of(model) : Optional.empty(), 1, 0);
        Admission.UpstreamAdmission admitted = policy.admitUpstream(cost, credential.id(), servedModel,
                policy.waitDeadline(openedAt, context.deadline()));
        upstreamQuotaTicket = admitted.quotaTicket();
        upstreamLane = admitted.lane();
        upstreamPermit = admitted.permit();
    }

    /**
     * An upstream attempt admitted by {@link #admitUpstream} failed and another may follow (a retry, another
     * credential, a fallback model): the gate learns its outcome (a 429 with its RetryInfo, anything else frees its
     * place), the upstream limits keep its request and give back its estimated tokens, and the next attempt may be
     * admitted. The ticket stays open. A no-op when no attempt is outstanding.
     */
    public void upstreamAttemptFailed(Throwable failure) {
        if (upstreamPermit == null || closed.get()) {
            return;
        }
        Instant now = policy.clock.instant();
        QuotaTicket attemptQuota = upstreamQuotaTicket;
        upstreamQuotaTicket = null;
        if (attemptQuota != null) {
            try {
                policy.quota.finish(attemptQuota, 0, now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "upstream quota correction failed for request {0}: {1}",
                        context.requestId(), e.getClass().getName());
            }
        }
        reportUpstream(false, failure, now);
        upstreamPermit = null;
        upstreamLane = null;
    }

    /**
     * An upstream call admitted by {@link #admitUpstream} succeeded and the request makes another one (an upload's next
     * piece): the gate learns the success, the upstream limits keep the call, and the next call may be admitted. The
     * ticket stays open. A no-op when no call is outstanding.
     */
    public void upstreamCallSucceeded() {
        if (upstreamPermit == null || closed.get()) {
            return;
        }
        Instant now = policy.clock.instant();
        QuotaTicket callQuota = upstreamQuotaTicket;
        upstreamQuotaTicket = null;
        if (callQuota != null) {
            try {
                policy.quota.finish(callQuota, 0, now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "upstream quota correction failed for request {0}: {1}",
                        context.requestId(), e.getClass().getName());
            }
        }
        reportUpstream(true, null, now);
        upstreamPermit = null;
        upstreamLane = null;
    }

    /**
     * The request moves to the fallback model {@code fallback}, priced {@code fallbackPrice}, because {@code why}: from
     * now on its upstream admission is that model's, it is charged that model's price, and its audit record names
     * that model (and the one asked for, in its detail). Refused (false, nothing changed) when the caller's key may
     * not use the model, when it has no price, or when {@code bound} (the usage the budget reservation covers) would
     * cost more at its price than was reserved.
     */
    public boolean serveWith(ModelId fallback, Optional<ModelPrice> fallbackPrice, Usage bound, String why) {
        requireOpen();
        if (!context.caller().scopes().permitsModel(fallback) || fallbackPrice.isEmpty()) {
            return false;
        }
        Money held = reserved;
        if (held != null && CALCULATOR.cost(fallbackPrice.get(), bound).compareTo(held) > 0) {
            return false;
        }
        servedModel = fallback;
        price = fallbackPrice;
        servedDetail = "served by the fallback models/" + fallback + " for models/" + model + " (" + why + ")";
        return true;
    }

    /**
     * What the request did, for its audit record's detail (e.g. the file a resource call uploaded and its size); the
     * last one given is kept, beside the fallback's and the outcome's details.
     */
    public void describe(String detail) {
        note = detail == null ? "" : detail;
    }

    /** The model that serves this request: the one asked for, or the fallback it moved to ({@link #serveWith}). */
    public ModelId servedModel() {
        return servedModel;
    }

    /** The model the request asked for. */
    public ModelId model() {
        return model;
    }

    Instant openedAt() {
        return openedAt;
    }

    /** What {@code usage} costs at this request's price (zero for free operations). */
    public Money cost(Usage usage) {
        return price.map(p -> CALCULATOR.cost(p, usage)).orElse(Money.ZERO);
    }

    /**
     * Step g and h on success: charges {@code usage} ({@link Outcome#CACHE_HIT} costs nothing: its usage is the stored
     * answer's, recorded with what it would have cost now as the money saved), corrects the quota, records. Returns the
     * cost charged. A no-op returning zero if the ticket was already closed.
     */
    public Money settle(Usage usage, Outcome outcome) {
        if (!outcome.isSuccess()) {
            throw new IllegalArgumentException("settle takes a successful outcome; use fail for the others");
        }
        if (!closed.compareAndSet(false, true)) {
            return Money.ZERO;
        }
        try {
            return chargeAndRecord(usage, outcome);
        } finally {
            policy.openTickets.ended();
        }
    }

    private Money chargeAndRecord(Usage usage, Outcome outcome) {
        Money cost = outcome == Outcome.CACHE_HIT ? Money.ZERO : cost(usage);
        Instant now = policy.clock.instant();
        String detail = "";
        try {
            if (reservation != null) {
                policy.ledger.settle(reservation, cost, now);
            }
        } catch (RuntimeException e) {
            detail = "settlement failed (" + e.getClass().getSimpleName() + "); the reservation expires by itself";
            LOG.log(System.Logger.Level.WARNING, "budget settlement failed for request {0}: {1}",
                    context.requestId(), e.getClass().getName());
        }
        correctQuota(outcome == Outcome.CACHE_HIT ? 0 : usage.totalTokens(), now);
        reportUpstream(true, null, now);
        record(outcome, usage, cost, outcome == Outcome.CACHE_HIT ? cost(usage) : Money.ZERO, detail);
        return cost;
    }

    /** Every other exit: releases the reservation, gives back the estimated tokens, records the failure. */
    public void fail(Throwable failure) {
        fail(failure, Usage.NONE);
    }

    /**
     * A failure after the upstream had produced {@code produced} (a stream cut mid-way): that much is charged, as Google
     * bills it, and the rest of the reservation and the estimated tokens are given back. With {@link Usage#NONE} this
     * is {@link #fail(Throwable)}.
     */
    public void fail(Throwable failure, Usage produced) {
        if (failure instanceof DomainException d) {
            close(Outcomes.of(d), produced, Outcomes.detail(d), failure);
        } else {
            // not logged here: the surface that answers the caller logs it once, with its stack trace and request id
            close(Outcome.INTERNAL_ERROR, produced, "internal error (" + failure.getClass().getSimpleName() + ")",
                    failure);
        }
    }

    /** The client went away before the end: what the upstream produced until its call was stopped is charged. */
    public void abandon(Usage produced) {
        close(Outcome.CLIENT_CLOSED, produced, "the client closed the connection before the end of the answer", null);
    }

    private void close(Outcome outcome, Usage produced, String detail, Throwable failure) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            releaseAndRecord(outcome, produced, detail, failure);
        } finally {
            policy.openTickets.ended();
        }
    }

    private void releaseAndRecord(Outcome outcome, Usage produced, String detail, Throwable failure) {
        Instant now = policy.clock.instant();
        Money cost = cost(produced);
        try {
            if (reservation != null) {
                if (produced.equals(Usage.NONE)) {
                    policy.ledger.release(reservation, now);
                } else {
                    policy.ledger.settle(reservation, cost, now);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "budget release failed for request {0}: {1}",
                    context.requestId(), e.getClass().getName());
        }
        correctQuota(produced.totalTokens(), now);
        reportUpstream(false, failure, now);
        record(outcome, produced, cost, Money.ZERO, detail);
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * A stream's first chunk reached the caller: its time to first byte (from the ticket's opening, so admission and
     * any wait for room are included), observed under the model serving it. Not audited; call it once per stream.
     */
    public void firstChunkForwarded() {
        try {
            policy.recorder.firstChunk(servedModel, policy.clock.instant(),
                    Duration.ofNanos(System.nanoTime() - startNanos));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recording the first chunk of request {0} failed: {1}",
                    context.requestId(), e.getClass().getName());
        }
    }

    /** Corrects the tokens and returns the concurrency permits in one call (the ticket closes once, so this runs once). */
    private void correctQuota(long actualTokens, Instant now) {
        correct(quotaTicket, actualTokens, now);
        correct(upstreamQuotaTicket, actualTokens, now);
        if (quotaTicket != null) {
            policy.permitsReturned(quotaTicket.permits().pools());
        }
    }

    private void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        if (ticket == null) {
            return;
        }
        try {
            policy.quota.finish(ticket, tokensCounted ? actualTokens : ticket.charged().tokens(), now);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "quota correction or permit return failed for request {0}: {1}",
                    context.requestId(), e.getClass().getName());
        }
    }

    /**
     * Tells the upstream gate how the admitted call went: a success ({@code succeeded}), an upstream 429 with its
     * RetryInfo delay and quotaIds, or anything else (a failure, an abandoned stream: {@code succeeded} false and no
     * 429), which only frees the call's place. A success or a freed place wakes the requests waiting for the gate.
     */
    private void reportUpstream(boolean succeeded, Throwable failure, Instant now) {
        UpstreamGate.Permit permit = upstreamPermit;
        if (permit == null) {
            return;
        }
        if (succeeded) {
            permit.succeeded(now);
        } else if (failure instanceof UpstreamException u && u.kind() == UpstreamException.Kind.RATE_LIMITED) {
            permit.rateLimited(u.retryDelay(), u.quotaIds(), now);
            return;
        } else {
            permit.released(now);
        }
        policy.upstreamFreed(upstreamLane);
    }

    private void record(Outcome outcome, Usage usage, Money cost, Money saved, String detail) {
        try {
            span.closed(outcome, namesModel ? Optional.of(servedModel) : Optional.empty(), usage, cost);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "tracing request {0} failed: {1}", context.requestId(),
                    e.getClass().getName());
        }
        try {
            policy.recorder.record(new AuditEvent(policy.ids.newUuid(), openedAt, type, context.requestId(),
                    context.correlationId(), Optional.of(context.caller().tenant()),
                    Optional.of(context.caller().apiKey()), context.caller().apiKey().toString(),
                    namesModel ? Optional.of(servedModel) : Optional.empty(), usage, cost, Duration.ofNanos(System.nanoTime() - startNanos), outcome,
                    promptHash, joined(joined(servedDetail, note), detail),
                    Optional.empty(), context.endUser(), saved));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "recording request " + context.requestId() + " failed", e);
        }
    }

    private static String joined(String first, String second) {
        return first.isEmpty() ? second : second.isEmpty() ? first : first + "; " + second;
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the ticket is closed");
        }
    }
}
