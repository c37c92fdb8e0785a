package dev.gemgate.application.resource;

import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CacheStorageCost;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.resource.CacheStorage;
import dev.gemgate.domain.resource.CacheStorageMarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Charges the storage of a context cache up to a point in time: the tokens it holds for the hours it lived, prorated,
 * at its model's storage rate ({@link CacheStorageCost}). Called when a cache is deleted or its TTL changes (for the
 * time lived so far), when Google turns out to have dropped it, and by the settlement sweep
 * ({@link CacheStorageSweep}) for caches that expired and long-lived ones.
 *
 * <p>Each charge first claims its stretch by moving the cache's mark ({@link CacheStorageMarks#advance}, atomic and
 * fleet-wide), so no hour is ever charged twice, whichever replica or path gets there first. Then it is written like a
 * request's charge: held and settled in the {@link BudgetLedger} (under its own server-generated request id, against
 * the tenant's, the key's budgets), and recorded as one {@link AuditEventType#CACHE_STORAGE_CHARGED} event with its
 * cost (what usage reports and the audit log read), naming the stretch in its detail.
 *
 * <p>Limits: the storage was already incurred at Google, so a budget that cannot take it any more does not stop the
 * charge: the audit event keeps its cost (and says so) while the ledger counts what it could. A crash between the claim
 * and the audit write loses that one charge (never charges it twice).
 */
public final class CacheStorageCharges {
    private static final System.Logger LOG = System.getLogger(CacheStorageCharges.class.getName());

    private final CacheStorageMarks marks;
    private final PricingCatalog pricing;
    private final BudgetLedger ledger;
    private final RequestRecorder recorder;
    private final IdGenerator ids;
    private final Clock clock;

    public CacheStorageCharges(CacheStorageMarks marks, PricingCatalog pricing, BudgetLedger ledger,
                               RequestRecorder recorder, IdGenerator ids, Clock clock) {
        if (marks == null || pricing == null || ledger == null || recorder == null || ids == null || clock == null) {
            throw new IllegalArgumentException("every collaborator of the storage charges is required");
        }
        this.marks = marks;
        this.pricing = pricing;
        this.ledger = ledger;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Charges {@code cache}'s storage not charged yet, up to {@code through} (at most its end); answers the amount
     * charged, empty when there was nothing left to charge (another replica or path charged that stretch already).
     */
    public Optional<Money> chargeThrough(CacheStorage cache, Instant through) {
        Optional<CacheStorageMarks.Stretch> claimed = marks.advance(cache.id(), through);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        CacheStorageMarks.Stretch stretch = claimed.get();
        Instant now = clock.instant();
        Optional<TokenRate> rate = pricing.priceAt(cache.model(), stretch.from())
                .flatMap(ModelPrice::cacheStoragePerHour);
        Money cost = rate.map(r -> CacheStorageCost.between(r, cache.tokens(), cache.createdAt(), stretch.from(),
                stretch.to())).orElse(Money.ZERO);
        RequestId requestId = ids.newRequestId();
        StringBuilder detail = new StringBuilder("storage of ").append(cache.name()).append(": ")
                .append(cache.tokens()).append(" tokens from ").append(stretch.from()).append(" to ")
                .append(stretch.to()).append(" (").append(hours(Duration.between(stretch.from(), stretch.to())))
                .append(" h)");
        if (rate.isEmpty()) {
            detail.append("; models/").append(cache.model()).append(" has no storage rate: charged nothing");
        }
        if (!cost.isZero()) {
            detail.append(budget(cache, requestId, cost, now));
        }
        try {
            recorder.record(new AuditEvent(ids.newUuid(), now, AuditEventType.CACHE_STORAGE_CHARGED, requestId,
                    Optional.empty(), Optional.of(cache.tenant()), Optional.of(cache.apiKey()),
                    cache.apiKey().toString(), Optional.of(cache.model()), Usage.NONE, cost, Duration.ZERO,
                    Outcome.SUCCESS, Optional.empty(), detail.toString(), Optional.empty()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "recording the storage charge of " + cache.name() + " failed", e);
        }
        return Optional.of(cost);
    }

    /** Holds and settles {@code cost} in the ledger; what the audit detail should add about it ("" when all went in). */
    private String budget(CacheStorage cache, RequestId requestId, Money cost, Instant now) {
        try {
            return switch (ledger.reserve(new ReservationRequest(requestId, cache.tenant(),
                    Optional.of(cache.apiKey()), Optional.empty(), cost), now)) {
                case ReservationOutcome.Reserved r -> {
                    ledger.settle(r.id(), cost, now);
                    yield "";
                }
                case ReservationOutcome.Refused r -> "; the " + r.budget().name() + " could not take it any more";
            };
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the budget ledger did not take the storage charge of {0}: {1}",
                    cache.name(), e.getClass().getName());
            return "; the budget ledger did not take it (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String hours(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos()).divide(java.math.BigDecimal.valueOf(3_600_000_000_000L), 6,
                java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
