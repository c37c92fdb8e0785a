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
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;

import java.time.Clock;
import java.time.Duration;
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
 */
public final class Admission {
    final QuotaLimiter quota;
    final BudgetLedger ledger;
    final RequestRecorder recorder;
    final IdGenerator ids;
    final Clock clock;
    final UpstreamGate upstreamGate;
    final UpstreamLimits upstreamLimits;

    /** With the default upstream gate and no configured upstream limits. */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock) {
        this(quota, ledger, recorder, ids, clock, new UpstreamGate(UpstreamGate.Settings.DEFAULT), UpstreamLimits.NONE);
    }

    /**
     * @param upstreamGate   adapts admission to each upstream credential x model to Google's 429s
     *                       ({@link Ticket#admitUpstream})
     * @param upstreamLimits Google's configured limits, counted fleet-wide through {@code quota}
     */
    public Admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids, Clock clock,
                     UpstreamGate upstreamGate, UpstreamLimits upstreamLimits) {
        if (upstreamGate == null || upstreamLimits == null) {
            throw new IllegalArgumentException("the upstream gate and limits are required");
        }
        this.quota = quota;
        this.ledger = ledger;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.upstreamGate = upstreamGate;
        this.upstreamLimits = upstreamLimits;
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
     * names no model to use and costs no tokens), as model reads count at Google. Refused as 429 QUOTA naming the limit;
     * returns the standing for the response's headers. Not audited, like the read itself.
     */
    public RateLimitStatus admitModelRead(Caller caller) {
        return admitted(quota.admit(QuotaRequest.modelRead(caller.tenant(), caller.apiKey()), clock.instant()))
                .status();
    }

    /**
     * The refusal of a model outside the caller's key scope (403 PERMISSION_DENIED, naming the allowed patterns): the
     * same wherever a request names a model, whether it opens a ticket or only reads the model.
     */
    public static PermissionDeniedException outOfScope(Caller caller, ModelId model) {
        return new PermissionDeniedException("This API key may not use models/" + model + "; its scope allows "
                + String.join(", ", caller.scopes().modelTexts()) + ".");
    }

    /**
     * The admission, or the refusal as a 429 QUOTA {@link LimitExceededException} naming the limit: with the time until
     * the request would fit, or none for a request that exceeds a limit by itself (waiting would not help).
     */
    static QuotaDecision.Admitted admitted(QuotaDecision decision) {
        return switch (decision) {
            case QuotaDecision.Admitted a -> a;
            case QuotaDecision.Refused r -> throw new LimitExceededException(LimitExceededException.Kind.QUOTA,
                    r.limit(), r.retryAfter(), "Quota exceeded for " + r.limit() + "; retry in "
                    + wholeSeconds(r.retryAfter()) + "s.");
            case QuotaDecision.TooLarge t -> throw new LimitExceededException(LimitExceededException.Kind.QUOTA,
                    t.limit(), null, "This request costs " + t.cost() + " against " + t.limit() + ", which allows "
                    + t.limitValue() + ": it can never be admitted. Ask for fewer output tokens (maxOutputTokens) or "
                    + "send a shorter prompt.");
        };
    }

    static long wholeSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
