package dev.gemgate.application.request;

import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.waiting.Attempt;
import dev.gemgate.domain.waiting.Lane;
import dev.gemgate.domain.waiting.WaitingRoom;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Steps c to h of the request path (ARCHITECTURE.md section 3), shared by every use case and surface: a use case opens a
 * {@link Ticket} as soon as it knows the model, then admits the request's quota and reserves its budget through the
 * ticket (in that order), calls the upstream, and closes the ticket exactly once: {@link Ticket#settle} with the real
 * usage, or {@link Ticket#fail} on any other exit. The ticket releases what it took and emits the one audit event and
 * metric observation. A use case is then: validate, admit, call, settle; it writes no policy code of its own.
 *
 * <p>Opening a ticket is also where the key's model scope is enforced, before any quota, budget or upstream work: a
 * model outside the caller's scope fails the ticket at once (audited as PERMISSION_DENIED, like any failure) and
 * {@link #open} throws, so no use case can forget the check.
 *
 * <p>A request its rate limits refuse for now ({@link QuotaDecision.Refused}) waits in the {@link WaitingRoom}, in the
 * lane of the refusing limit's bucket and in its tenant's {@link RateLimitSource#priority priority class}, at most the
 * room's maximum wait and never past the caller's deadline ({@link RequestContext#deadline}); only when it cannot be
 * admitted in that time is it refused (429 with the real time until it would fit). A request larger than a limit
 * ({@link QuotaDecision.TooLarge}) never waits.
 */
public final class Admission {
    final QuotaLimiter quota;
    final BudgetLedger ledger;
    final RequestRecorder recorder;
    final IdGenerator ids;
    final Clock clock;
    private final WaitingRoom waiting;
    private final RateLimitSource priorities;

    /** Without waiting: every refusal is answered at once. */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock) {
        this(quota, ledger, recorder, ids, clock, WaitingRoom.neverWaiting(clock),
                RateLimitSource.defaults(RateLimits.UNLIMITED, RateLimits.UNLIMITED, RateLimits.UNLIMITED));
    }

    /** Refused requests wait in {@code waiting}, in the priority class {@code priorities} gives their tenant. */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock,
                     WaitingRoom waiting, RateLimitSource priorities) {
        this.quota = quota;
        this.ledger = ledger;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.waiting = waiting;
        this.priorities = priorities;
    }

    /**
     * Starts the clock on one request. {@code price} is how its usage is charged (empty for free operations such as
     * countTokens); {@code promptHash} goes on the audit event.
     */
    public Ticket open(RequestContext context, AuditEventType type, ModelId model, Optional<ModelPrice> price,
                       Optional<String> promptHash) {
        Ticket ticket = new Ticket(this, context, type, model, price, promptHash);
        if (!context.caller().scopes().permitsModel(model)) {
            PermissionDeniedException refused = outOfScope(context.caller(), model);
            ticket.fail(refused);
            throw refused;
        }
        return ticket;
    }

    /**
     * A read of the model list or of one model: one request against the caller's tenant and key request limits (it
     * names no model to use and costs no tokens), as model reads count at Google. Waits like any request (bounded by
     * the maximum wait only: a model read carries no deadline), else refused as 429 QUOTA naming the limit; returns
     * the standing for the response's headers. Not audited, like the read itself.
     */
    public RateLimitStatus admitModelRead(Caller caller) {
        return admitWaiting(QuotaRequest.modelRead(caller.tenant(), caller.apiKey()), Optional.empty()).status();
    }

    /**
     * Admits {@code request}, waiting in the refusing limit's lane while it would fit within the maximum wait and
     * before {@code deadline}; otherwise throws the 429 QUOTA refusal with the time until it would fit.
     */
    QuotaDecision.Admitted admitWaiting(QuotaRequest request, Optional<Instant> deadline) {
        return waiting.await(request.tenant().toString(), priorities.priority(request.tenant()), deadline,
                () -> attempt(request));
    }

    private Attempt<QuotaDecision.Admitted> attempt(QuotaRequest request) {
        return switch (quota.admit(request, clock.instant())) {
            case QuotaDecision.Admitted a -> Attempt.admitted(a);
            case QuotaDecision.Refused r -> Attempt.notYet(new Lane(r.limit(), r.bucketKey()), r.retryAfter(),
                    retryAfter -> refused(r.limit(), retryAfter));
            case QuotaDecision.TooLarge t -> throw tooLarge(t);
        };
    }

    /**
     * The refusal of a model outside the caller's key scope (403 PERMISSION_DENIED, naming the allowed patterns): the
     * same wherever a request names a model, whether it opens a ticket or only reads the model.
     */
    public static PermissionDeniedException outOfScope(Caller caller, ModelId model) {
        return new PermissionDeniedException("This API key may not use models/" + model + "; its scope allows "
                + String.join(", ", caller.scopes().modelTexts()) + ".");
    }

    private static LimitExceededException refused(String limit, Duration retryAfter) {
        return new LimitExceededException(LimitExceededException.Kind.QUOTA, limit, retryAfter,
                "Quota exceeded for " + limit + "; retry in " + wholeSeconds(retryAfter) + "s.");
    }

    private static LimitExceededException tooLarge(QuotaDecision.TooLarge t) {
        return new LimitExceededException(LimitExceededException.Kind.QUOTA, t.limit(), null, "This request costs "
                + t.cost() + " against " + t.limit() + ", which allows " + t.limitValue() + ": it can never be "
                + "admitted. Ask for fewer output tokens (maxOutputTokens) or send a shorter prompt.");
    }

    private static long wholeSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
