package dev.gemgate.application.request;

import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicySource;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.quota.HeldPermits;
import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import dev.gemgate.domain.quota.RateLimit;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import dev.gemgate.domain.waiting.Attempt;
import dev.gemgate.domain.waiting.Lane;
import dev.gemgate.domain.waiting.WaitingRoom;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Steps c to h of the request path (ARCHITECTURE.md section 3), shared by every use case and surface: a use case opens a
 * {@link Ticket} as soon as it knows the model, then admits the request's quota and reserves its budget through the
 * ticket (in that order), calls the upstream, and closes the ticket exactly once: {@link Ticket#settle} with the real
 * usage, or {@link Ticket#fail} on any other exit. The ticket releases what it took and emits the one audit event and
 * metric observation. A use case is then: validate, admit, call, settle; it writes no policy code of its own.
 * Right before the upstream call it takes the upstream's admission through the ticket
 * ({@link Ticket#admitUpstream}: the {@link UpstreamGate} and Google's configured limits for the credential x model),
 * and the ticket's close tells the gate how the call went.
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
    private static final System.Logger LOG = System.getLogger(Admission.class.getName());
    final QuotaLimiter quota;
    final BudgetLedger ledger;
    final RequestRecorder recorder;
    final IdGenerator ids;
    final Clock clock;
    private final WaitingRoom waiting;
    private final RateLimitSource priorities;
    private final UpstreamGate upstreamGate;
    private final UpstreamLimits upstreamLimits;
    private final SpendingPolicySource spending;
    final TenantResources resources;
    final RequestTracing tracing;
    final InFlight openTickets = new InFlight();

    /** Without waiting (every refusal is answered at once), with the default upstream gate and no upstream limits. */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock) {
        this(quota, ledger, recorder, ids, clock, WaitingRoom.neverWaiting(clock),
                RateLimitSource.defaults(RateLimits.UNLIMITED, RateLimits.UNLIMITED, RateLimits.UNLIMITED),
                new UpstreamGate(UpstreamGate.Settings.DEFAULT), UpstreamLimits.NONE);
    }

    /**
     * @param waiting        where refused requests wait, in the priority class {@code priorities} gives their tenant
     * @param upstreamGate   adapts admission to each upstream credential x model to Google's 429s
     *                       ({@link Ticket#admitUpstream})
     * @param upstreamLimits Google's configured limits, counted fleet-wide through {@code quota}
     */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock,
                     WaitingRoom waiting, RateLimitSource priorities, UpstreamGate upstreamGate,
                     UpstreamLimits upstreamLimits) {
        this(quota, ledger, recorder, ids, clock, waiting, priorities, upstreamGate, upstreamLimits,
                SpendingPolicySource.defaults());
    }

    /** @param spending each tenant's spending policy: how its requests are bounded for the budget reservation */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock,
                     WaitingRoom waiting, RateLimitSource priorities, UpstreamGate upstreamGate,
                     UpstreamLimits upstreamLimits, SpendingPolicySource spending) {
        this(quota, ledger, recorder, ids, clock, waiting, priorities, upstreamGate, upstreamLimits, spending,
                TenantResources.none());
    }

    /**
     * @param resources who owns each file, context cache and batch: a request naming one must be its caller's
     *                  ({@link Ticket#pinFor})
     */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock,
                     WaitingRoom waiting, RateLimitSource priorities, UpstreamGate upstreamGate,
                     UpstreamLimits upstreamLimits, SpendingPolicySource spending, TenantResources resources) {
        this(quota, ledger, recorder, ids, clock, waiting, priorities, upstreamGate, upstreamLimits, spending,
                resources, RequestTracing.NONE);
    }

    /**
     * @param tracing where each request's span learns how it ended and its upstream attempts get spans of their own
     *                ({@link RequestTracing#NONE}: not traced)
     */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock,
                     WaitingRoom waiting, RateLimitSource priorities, UpstreamGate upstreamGate,
                     UpstreamLimits upstreamLimits, SpendingPolicySource spending, TenantResources resources,
                     RequestTracing tracing) {
        if (waiting == null || priorities == null || upstreamGate == null || upstreamLimits == null
                || spending == null || resources == null || tracing == null) {
            throw new IllegalArgumentException("the waiting room, priorities, upstream gate and limits, the "
                    + "spending policies, the resource owners and the tracing are required");
        }
        this.tracing = tracing;
        this.resources = resources;
        this.spending = spending;
        this.quota = quota;
        this.ledger = ledger;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.waiting = waiting;
        this.priorities = priorities;
        this.upstreamGate = upstreamGate;
        this.upstreamLimits = upstreamLimits;
    }

    /**
     * The tickets opened and not yet closed: the requests whose settlement and audit event are still to come, also
     * those whose client went away. A graceful shutdown waits for them before it closes the audit writer.
     */
    public InFlight openTickets() {
        return openTickets;
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
     * Starts the clock on a request that names no model: a call on a server-side resource API (the Files API, a list
     * of context caches or batches). It counts against the request limits of the caller's tenant and key only (no
     * model's limits, no tokens unless admitted with some), costs nothing unless settled with a price-less usage, is
     * audited without a model, and is admitted upstream in the lane {@code api} of each credential (for example
     * {@code files}: Google limits its resource APIs apart from its models).
     */
    public Ticket openWithoutModel(RequestContext context, AuditEventType type, ModelId api) {
        return new Ticket(this, context, type, api, false, Optional.empty(), Optional.empty());
    }

    /**
     * Work a ticket handed over ({@link Ticket#handOver}: a batch job) whose bill is known now, on any replica and
     * possibly days after its request: what the settlement needs of that request.
     */
    public record HandedOver(RequestId requestId, TenantId tenant, ApiKeyId apiKey, Optional<String> endUser,
                             ModelId model, Optional<ReservationId> reservation) {
        public HandedOver {
            if (requestId == null || tenant == null || apiKey == null || endUser == null || model == null
                    || reservation == null) {
                throw new IllegalArgumentException("every field of handed-over work is required");
            }
        }
    }

    /**
     * Settles handed-over work once its real usage is known: the reservation is charged {@code cost} (at most what was
     * reserved; the rest goes back to the budgets, whichever replica reserved it) and one audit event of {@code type}
     * records {@code usage}, the cost, {@code outcome} and {@code detail} for the work's tenant, key, end user and
     * model, under the id of the request that created it. The caller makes sure it runs once per work (the ledger
     * charges a reservation once anyway). Returns the cost charged (at most the reservation).
     */
    public Money settleHandedOver(HandedOver work, AuditEventType type, Usage usage, Money cost, Outcome outcome,
                                  String detail) {
        Instant now = clock.instant();
        String note = detail;
        try {
            if (work.reservation().isPresent()) {
                ledger.settleDetached(work.reservation().get(), cost, now);
            }
        } catch (RuntimeException e) {
            note = detail + (detail.isEmpty() ? "" : "; ") + "settlement failed (" + e.getClass().getSimpleName()
                    + "); the reservation expires by itself";
            LOG.log(System.Logger.Level.WARNING, "settling handed-over work of request {0} failed: {1}",
                    work.requestId(), e.getClass().getName());
        }
        try {
            recorder.record(new AuditEvent(ids.newUuid(), now, type, work.requestId(), Optional.empty(),
                    Optional.of(work.tenant()), Optional.of(work.apiKey()), work.apiKey().toString(),
                    Optional.of(work.model()), usage, cost, Duration.ZERO, outcome, Optional.empty(), note,
                    Optional.empty(), work.endUser(), Money.ZERO));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "recording the settlement of request " + work.requestId() + " failed",
                    e);
        }
        return cost;
    }

    /** The spending policy of {@code caller}'s tenant (how its requests are bounded for the budget reservation). */
    SpendingPolicy spendingPolicy(Caller caller) {
        return spending.of(caller.tenant());
    }

    /**
     * A read that names no model to use and costs no tokens (the model list, one model, the tenant's own usage report):
     * one request against the caller's tenant and key request limits, as model reads count at Google. Waits like any
     * request (bounded by the maximum wait only: a read carries no deadline), else refused as 429 QUOTA naming the
     * limit; returns the standing for the response's headers. Not audited, like the read itself.
     */
    public RateLimitStatus admitRead(Caller caller) {
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

    /** Concurrency permits of these pools came back: a request waiting for one of them tries now. */
    void permitsReturned(List<HeldPermits.Pool> pools) {
        for (HeldPermits.Pool pool : pools) {
            waiting.freed(new Lane(pool.limit(), pool.key()));
        }
    }

    /**
     * What {@link #admitUpstream} took: the gate's permit, the upstream buckets' ticket (null without limits), and the
     * lane the requests held back for this credential x model wait in.
     */
    record UpstreamAdmission(UpstreamGate.Permit permit, QuotaTicket quotaTicket, Lane lane) {
    }

    /**
     * The deadline of a later wait of a request opened at {@code openedAt}: its caller's deadline, and no later than
     * the maximum wait after the opening, so that the waits of one request (its own limits, then the upstream's)
     * together stay within the maximum wait.
     */
    Optional<Instant> waitDeadline(Instant openedAt, Optional<Instant> deadline) {
        Instant bound = openedAt.plus(waiting.settings().maxWait());
        return Optional.of(deadline.filter(d -> d.isBefore(bound)).orElse(bound));
    }

    /** A call through the gate of {@code lane} ended (not with Google's 429): a request waiting for it tries now. */
    void upstreamFreed(Lane lane) {
        if (lane != null) {
            waiting.freed(lane);
        }
    }

    /**
     * Step f's admission, right before the upstream call: the gate's permission for {@code credential} x {@code model}
     * (closed during a cooldown after Google's 429, one probe after it, an AIMD window of calls in flight), then
     * Google's configured limits for them, charged {@code cost}. A request refused for now by either waits like any
     * other, in one lane per credential x model ({@code upstream:<credential>:<model>}: every tenant of that model waits
     * there, in priority order, tenants taking turns, and a newcomer queues behind them rather than trying first),
     * within the maximum wait and {@code deadline}; otherwise 429 naming the limit (e.g.
     * {@code UpstreamRequestsPerMinute}) with the time until it would be let through.
     */
    UpstreamAdmission admitUpstream(QuotaRequest cost, UpstreamCredentialId credential, ModelId model,
                                    Optional<Instant> deadline) {
        Lane lane = new Lane("Upstream", RateLimit.Scope.UPSTREAM.keyPrefix() + ":" + credential + ":" + model);
        List<RateLimit> limits = upstreamLimits.limitsFor(credential, model);
        return waiting.await(cost.tenant().toString(), priorities.priority(cost.tenant()), deadline, lane,
                () -> attemptUpstream(cost, credential, model, limits, lane));
    }

    private Attempt<UpstreamAdmission> attemptUpstream(QuotaRequest cost, UpstreamCredentialId credential,
                                                       ModelId model, List<RateLimit> limits, Lane lane) {
        Instant now = clock.instant();
        UpstreamGate.Decision decision = upstreamGate.tryAcquire(credential, model, now);
        if (decision instanceof UpstreamGate.Decision.NotBefore wait) {
            return Attempt.notYet(lane, wait.retryAfter(), retryAfter -> new LimitExceededException(
                    LimitExceededException.Kind.QUOTA, wait.limit(), retryAfter, "The upstream quota " + wait.limit()
                    + " of models/" + model + " is exhausted; retry in " + wholeSeconds(retryAfter) + "s."));
        }
        UpstreamGate.Permit permit = ((UpstreamGate.Decision.Go) decision).permit();
        if (limits.isEmpty()) {
            return Attempt.admitted(new UpstreamAdmission(permit, null, lane));
        }
        QuotaDecision charged;
        try {
            charged = quota.admit(cost, limits, now);
        } catch (RuntimeException | Error e) {
            permit.released(now);
            throw e;
        }
        if (!(charged instanceof QuotaDecision.Admitted)) {
            permit.released(now);
        }
        return switch (charged) {
            case QuotaDecision.Admitted a -> Attempt.admitted(new UpstreamAdmission(permit, a.ticket(), lane));
            case QuotaDecision.Refused r -> Attempt.notYet(lane, r.retryAfter(),
                    retryAfter -> refused(r.limit(), retryAfter));
            case QuotaDecision.TooLarge t -> throw tooLarge(t);
        };
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

    static long wholeSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
