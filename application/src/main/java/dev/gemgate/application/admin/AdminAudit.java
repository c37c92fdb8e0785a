package dev.gemgate.application.admin;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.FallbackPolicy;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes the audit event of an admin action: the actor (subject as {@code actor}, name and source address in
 * {@link AdminDetails}), the action (the event type), the target, and its state before and after as JSON. Snapshots of
 * keys hold the visible prefix, never the secret or its hash; every string is masked for credential shapes.
 */
public final class AdminAudit {
    private final AuditLog log;
    private final IdGenerator ids;
    private final Clock clock;

    public AdminAudit(AuditLog log, IdGenerator ids, Clock clock) {
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** A change to a tenant. */
    public void tenantChanged(AdminActor actor, AuditEventType action, Optional<Tenant> before, Tenant after,
                              String detail) {
        record(actor, action, Optional.of(after.id()), Optional.empty(), "tenant:" + after.id(),
                before.map(AdminAudit::snapshot), Optional.of(snapshot(after)), Outcome.SUCCESS, detail);
    }

    /** A change to a key; {@code before} is empty for a key just issued. */
    public void keyChanged(AdminActor actor, AuditEventType action, Optional<ApiKey> before, ApiKey after,
                           String detail) {
        record(actor, action, Optional.of(after.tenantId()), Optional.of(after.id()), "api-key:" + after.id(),
                before.map(AdminAudit::snapshot), Optional.of(snapshot(after)), Outcome.SUCCESS, detail);
    }

    /** A tenant's rate-limit override set, replaced or cleared (an empty override: nothing overridden). */
    public void tenantRateLimitsChanged(AdminActor actor, TenantRateLimitOverride before,
                                        TenantRateLimitOverride after, String detail) {
        record(actor, AuditEventType.TENANT_RATE_LIMITS_CHANGED, Optional.of(after.tenant()), Optional.empty(),
                "tenant:" + after.tenant(), Optional.of(snapshot(before)), Optional.of(snapshot(after)),
                Outcome.SUCCESS, detail);
    }

    /** A key's rate-limit override set, replaced or cleared (an empty override: nothing overridden). */
    public void keyRateLimitsChanged(AdminActor actor, ApiKeyRateLimitOverride before, ApiKeyRateLimitOverride after,
                                     String detail) {
        record(actor, AuditEventType.API_KEY_RATE_LIMITS_CHANGED, Optional.of(after.tenant()), Optional.of(after.key()),
                "api-key:" + after.key(), Optional.of(snapshot(before)), Optional.of(snapshot(after)), Outcome.SUCCESS,
                detail);
    }

    /** A budget added ({@code before} empty) or replaced. */
    public void budgetSet(AdminActor actor, Optional<StoredBudget> before, StoredBudget after, String detail) {
        record(actor, AuditEventType.BUDGET_SET, Optional.of(after.budget().tenant()), after.budget().apiKey(),
                "budget:" + after.id(), before.map(AdminAudit::snapshot), Optional.of(snapshot(after)),
                Outcome.SUCCESS, detail);
    }

    /** A budget removed: {@code before} is what it was; there is no after. */
    public void budgetRemoved(AdminActor actor, StoredBudget before, String detail) {
        record(actor, AuditEventType.BUDGET_REMOVED, Optional.of(before.budget().tenant()), before.budget().apiKey(),
                "budget:" + before.id(), Optional.of(snapshot(before)), Optional.empty(), Outcome.SUCCESS, detail);
    }

    /** A tenant's spending policy changed ({@code before} is the default for a tenant that had none). */
    public void spendingPolicyChanged(AdminActor actor, TenantId tenant, SpendingPolicy before, SpendingPolicy after,
                                      String detail) {
        record(actor, AuditEventType.SPENDING_POLICY_CHANGED, Optional.of(tenant), Optional.empty(),
                "tenant:" + tenant, Optional.of(snapshot(before)), Optional.of(snapshot(after)), Outcome.SUCCESS,
                detail);
    }

    /**
     * A pool credential added ({@code before} empty), changed, or deleted ({@code after} empty). The snapshots are the
     * {@link CredentialEntry}, which has no secret: the audit never sees one.
     */
    public void upstreamCredentialChanged(AdminActor actor, AuditEventType action, Optional<CredentialEntry> before,
                                          Optional<CredentialEntry> after, String detail) {
        CredentialEntry subject = after.or(() -> before).orElseThrow(
                () -> new IllegalArgumentException("a credential change has a before or an after"));
        record(actor, action, Optional.empty(), Optional.empty(), "upstream-credential:" + subject.id(),
                before.map(AdminAudit::snapshot), after.map(AdminAudit::snapshot), Outcome.SUCCESS, detail);
    }

    /**
     * Google refused a pool credential (401/403): recorded once per rejection by the pool, as Gemgate itself acting
     * ({@link AdminActor#system}), the credential as it is stored in both states.
     */
    public void upstreamCredentialRejected(CredentialEntry credential, String detail) {
        record(AdminActor.system("upstream-pool"), AuditEventType.UPSTREAM_CREDENTIAL_REJECTED, Optional.empty(),
                Optional.empty(), "upstream-credential:" + credential.id(), Optional.of(snapshot(credential)),
                Optional.of(snapshot(credential)), Outcome.UPSTREAM_ERROR, detail);
    }

    /** A pool credential as the admin API shows it: everything but the secret. */
    public static Map<String, Object> snapshot(CredentialEntry c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id().value());
        m.put("mode", c.mode());
        m.put("source", c.source());
        m.put("weight", c.weight());
        m.put("status", c.status());
        m.put("baseUrl", c.baseUrl());
        m.put("vertexProject", c.vertexProject());
        m.put("vertexLocation", c.vertexLocation());
        return m;
    }

    /**
     * A tenant's fallback policy set ({@code before} empty if it had none of its own) or removed ({@code after} empty).
     */
    public void fallbackPolicyChanged(AdminActor actor, TenantId tenant, Optional<FallbackPolicy> before,
                                      Optional<FallbackPolicy> after, String detail) {
        record(actor, AuditEventType.FALLBACK_POLICY_CHANGED, Optional.of(tenant), Optional.empty(),
                "tenant:" + tenant, before.map(AdminAudit::snapshot), after.map(AdminAudit::snapshot),
                Outcome.SUCCESS, detail);
    }

    /**
     * A tenant's response-cache policy set ({@code before} empty if it had none of its own) or removed ({@code after}
     * empty).
     */
    public void cachePolicyChanged(AdminActor actor, TenantId tenant, Optional<CachePolicy> before,
                                   Optional<CachePolicy> after, String detail) {
        record(actor, AuditEventType.CACHE_POLICY_CHANGED, Optional.of(tenant), Optional.empty(),
                "tenant:" + tenant, before.map(AdminAudit::snapshot), after.map(AdminAudit::snapshot),
                Outcome.SUCCESS, detail);
    }

    /** A cache policy as the admin API shows it: the TTL as ISO-8601 text, and the opt-in. */
    static Map<String, Object> snapshot(CachePolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ttl", p.ttl().toString());
        m.put("cacheNonDeterministic", p.cacheNonDeterministic());
        return m;
    }

    /** A fallback policy as the admin API shows it: models by name, requested models sorted, chains in order. */
    static Map<String, Object> snapshot(FallbackPolicy p) {
        Map<String, Object> chains = new TreeMap<>();
        p.chains().forEach((model, chain) -> chains.put(model.value(), chain.stream().map(ModelId::value).toList()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strict", p.strict());
        m.put("chains", chains);
        return m;
    }

    /** A budget as the admin API shows it: the limit as decimal dollars. */
    public static Map<String, Object> snapshot(StoredBudget stored) {
        Budget b = stored.budget();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", stored.id().toString());
        m.put("scope", b.scope());
        m.put("apiKeyId", b.apiKey().map(ApiKeyId::toString));
        m.put("endUser", b.endUser());
        m.put("period", b.period());
        m.put("zone", b.zone().getId());
        m.put("limitUsd", b.limit().toDollars().stripTrailingZeros().toPlainString());
        m.put("alertPercents", b.alertPercents());
        return m;
    }

    static Map<String, Object> snapshot(SpendingPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("forwardedOutputCap", p.forwardedOutputCap().isPresent() ? p.forwardedOutputCap().getAsLong() : null);
        m.put("refuseUnmeasuredMedia", p.refuseUnmeasuredMedia());
        return m;
    }

    /** A price added to the catalog; {@code superseded} is the price it replaces from its date on, if any. */
    public void priceAdded(AdminActor actor, Optional<ModelPrice> superseded, ModelPrice added, String detail) {
        record(actor, AuditEventType.MODEL_PRICE_ADDED, Optional.empty(), Optional.empty(),
                "model-price:" + added.model().value() + "@" + added.effectiveFrom(),
                superseded.map(AdminAudit::snapshot), Optional.of(snapshot(added)), Outcome.SUCCESS, detail);
    }

    /** A price as the admin API shows it: rates in dollars per 1M tokens, as decimal text. */
    public static Map<String, Object> snapshot(ModelPrice p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", p.model().value());
        m.put("effectiveFrom", p.effectiveFrom());
        m.put("input", dollars(p.input()));
        m.put("output", dollars(p.output()));
        m.put("cachedInput", dollars(p.cachedInput()));
        m.put("audioInput", p.audioInput().map(AdminAudit::dollars));
        m.put("longPromptTier", p.longPromptTier().map(t -> {
            Map<String, Object> tier = new LinkedHashMap<>();
            tier.put("thresholdTokens", t.thresholdTokens());
            tier.put("input", dollars(t.input()));
            tier.put("output", dollars(t.output()));
            tier.put("cachedInput", dollars(t.cachedInput()));
            return tier;
        }));
        m.put("batchDiscount", p.batchDiscount().toPlainString());
        m.put("cacheStoragePerHour", p.cacheStoragePerHour().map(AdminAudit::dollars));
        return m;
    }

    private static String dollars(TokenRate rate) {
        return rate.perMillion().toDollars().stripTrailingZeros().toPlainString();
    }

    /** A refused admin request (the web layer's call, through {@link RecordAdminDenial}). */
    void denied(AdminActor actor, String action, Outcome outcome, String reason) {
        record(actor, AuditEventType.ADMIN_ACCESS_DENIED, Optional.empty(), Optional.empty(), action,
                Optional.empty(), Optional.empty(), outcome, reason);
    }

    private void record(AdminActor actor, AuditEventType type, Optional<TenantId> tenant, Optional<ApiKeyId> key,
                        String target, Optional<Map<String, Object>> before, Optional<Map<String, Object>> after,
                        Outcome outcome, String detail) {
        log.append(new AuditEvent(ids.newUuid(), clock.instant(), type,
                actor.requestId().orElseGet(ids::newRequestId), Optional.empty(), tenant, key, actor.subject(),
                Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, outcome, Optional.empty(),
                dev.gemgate.application.generation.Outcomes.maskSecrets(detail),
                Optional.of(new AdminDetails(actor.name(), actor.sourceAddress(), target,
                        before.map(AuditJson::write), after.map(AuditJson::write)))));
    }

    static Map<String, Object> snapshot(Tenant t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id().toString());
        m.put("name", t.name());
        m.put("displayName", t.displayName());
        m.put("contact", t.contact());
        m.put("metadata", t.metadata());
        m.put("status", t.status());
        m.put("deletedAt", t.deletedAt());
        return m;
    }

    /** The override as the admin API shows it: each field its value, or null where the default is inherited. */
    static Map<String, Object> snapshot(TenantRateLimitOverride o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", snapshot(o.tenantLimits()));
        m.put("tenantModel", snapshot(o.tenantModelLimits()));
        m.put("priority", o.priority());
        return m;
    }

    static Map<String, Object> snapshot(ApiKeyRateLimitOverride o) {
        return snapshot(o.limits());
    }

    private static Map<String, Object> snapshot(LimitOverrides l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(LimitOverrides.REQUESTS_PER_MINUTE, valueOrNull(l.requestsPerMinute()));
        m.put(LimitOverrides.TOKENS_PER_MINUTE, valueOrNull(l.tokensPerMinute()));
        m.put(LimitOverrides.REQUESTS_PER_DAY, valueOrNull(l.requestsPerDay()));
        m.put(LimitOverrides.CONCURRENT_REQUESTS, valueOrNull(l.concurrentRequests()));
        return m;
    }

    private static Long valueOrNull(java.util.OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    static Map<String, Object> snapshot(ApiKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id().toString());
        m.put("tenantId", k.tenantId().toString());
        m.put("label", k.label());
        m.put("prefix", k.prefix());
        m.put("status", k.status());
        m.put("expiresAt", k.expiresAt());
        m.put("revokedAt", k.revokedAt());
        Map<String, Object> scopes = new LinkedHashMap<>();
        scopes.put("models", k.scopes().modelTexts());
        scopes.put("surfaces", k.scopes().surfaceTexts());
        scopes.put("addresses", k.scopes().addressTexts());
        m.put("scopes", scopes);
        return m;
    }
}
