package dev.gemgate.app;

import dev.gemgate.adapter.persistence.CachedKeyGrantLookup;
import dev.gemgate.adapter.persistence.DatabaseGuard;
import dev.gemgate.adapter.web.TenantRequestLimits;
import dev.gemgate.application.generation.CountTokens;
import dev.gemgate.application.generation.EmbedContent;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.ResponseCaching;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.generation.StreamPolicy;
import dev.gemgate.application.generation.InlineLimits;
import dev.gemgate.application.generation.GetModel;
import dev.gemgate.application.generation.ListModels;
import dev.gemgate.application.generation.ModelCatalog;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.pricing.AddModelPrice;
import dev.gemgate.application.pricing.ListPrices;
import dev.gemgate.application.admin.RecordAdminDenial;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.AuthenticationFailures;
import dev.gemgate.application.tenant.ChangeApiKeyScopes;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.DeleteTenant;
import dev.gemgate.application.tenant.GetApiKey;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.tenant.ListTenants;
import dev.gemgate.application.tenant.ResumeTenant;
import dev.gemgate.application.tenant.RevokeApiKey;
import dev.gemgate.application.tenant.RotateApiKey;
import dev.gemgate.application.tenant.SuspendTenant;
import dev.gemgate.application.tenant.UpdateTenant;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicySource;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.MediaBounds;
import dev.gemgate.domain.pricing.PriceBook;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.KeyUsageRecorder;
import dev.gemgate.domain.tenant.ModelPattern;
import dev.gemgate.domain.tenant.RepositoryKeyGrantLookup;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import dev.gemgate.domain.upstream.UpstreamLimits;
import dev.gemgate.domain.waiting.WaitingRoom;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.virtual.threads.VirtualThreads;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.HashMap;
import java.util.Map;

/** The framework-free use cases, wired to the adapters that implement their ports. */
public class UseCaseProducers {
    @Produces
    @Singleton
    GenerationPolicy generationPolicy(GemgateConfig config) {
        GemgateConfig.Generation g = config.generation();
        Map<ModelPattern, InlineLimits> perModel = new HashMap<>();
        g.models().forEach((name, limits) -> perModel.put(modelPattern(name), new InlineLimits(
                limits.maxInlineBytes().orElse(g.maxInlineBytes()),
                limits.maxInlinePdfBytes().orElse(g.maxInlinePdfBytes()))));
        GemgateConfig.FileData files = g.fileData();
        return new GenerationPolicy(g.defaultMaxOutputTokens(), g.maxOutputTokens(), g.maxInlineBytes(),
                config.upstream().timeout(), config.cache().defaultTtl(), g.maxInlinePdfBytes(), perModel,
                new MediaBounds(files.videoSeconds(), files.audioSeconds(), files.pdfPages(), files.textTokens(),
                        g.maxInputTokens()));
    }

    private static ModelPattern modelPattern(String key) {
        try {
            return new ModelPattern(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gemgate.generation.models.\"" + key + "\": " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    StreamPolicy streamPolicy(GemgateConfig config) {
        return new StreamPolicy(config.upstream().streamIdleTimeout(), config.upstream().streamTotalTimeout());
    }

    @Produces
    @Singleton
    RequestRecorder requestRecorder(AuditLog auditLog, RequestMetrics metrics) {
        return new RequestRecorder(auditLog, metrics);
    }

    @Produces
    @Singleton
    KeyGrantLookup keyGrantLookup(ApiKeyRepository keys, TenantRepository tenants, DatabaseGuard guard, Clock clock,
                                  GemgateConfig config) {
        GemgateConfig.Auth auth = config.auth();
        return new CachedKeyGrantLookup(new RepositoryKeyGrantLookup(keys, tenants), guard, clock, auth.keyCacheTtl(),
                auth.keyCacheSize(), auth.unknownKeyCacheTtl(), auth.unknownKeyCacheSize());
    }

    @Produces
    @Singleton
    AuthenticationFailures authenticationFailures(AuditLog auditLog, RequestMetrics metrics, IdGenerator ids,
                                                  Clock clock, GemgateConfig config) {
        return new AuthenticationFailures(auditLog, metrics, ids, clock, config.auth().failureAuditWindow());
    }

    @Produces
    @Singleton
    AuthenticateApiKey authenticateApiKey(KeyGrantLookup lookup, Clock clock, AuthenticationFailures failures,
                                          KeyUsageRecorder usage) {
        return new AuthenticateApiKey(lookup, clock, failures, usage);
    }

    @Produces
    @Singleton
    TenantRequestLimits tenantRequestLimits(GenerationPolicy policy) {
        // the body must let through the largest inline data any model takes; the use case holds each model to its own
        return TenantRequestLimits.forInlineBytes(policy.largestInlineBytes());
    }

    @Produces
    @Singleton
    RequestFingerprint requestFingerprint(GemgateConfig config) {
        return new RequestFingerprint(config.security().fingerprintSecret().orElseThrow(() ->
                new IllegalStateException("gemgate.security.fingerprint-secret is required"))
                .getBytes(StandardCharsets.UTF_8));
    }

    @Produces
    @Singleton
    Admission admission(QuotaLimiter quota, BudgetLedger ledger, RequestRecorder recorder, IdGenerator ids,
                        Clock clock, WaitingRoom waiting, RateLimitSource priorities, UpstreamGate upstreamGate,
                        UpstreamLimits upstreamLimits, SpendingPolicySource spending, TenantResources resources,
                        RequestTracing tracing) {
        return new Admission(quota, ledger, recorder, ids, clock, waiting, priorities, upstreamGate, upstreamLimits,
                spending, resources, tracing);
    }

    /** Every tenant on the configured spending policy, until a stored policy source replaces this bean. */
    @Produces
    @Singleton
    @DefaultBean
    SpendingPolicySource defaultSpendingPolicies(GemgateConfig config) {
        SpendingPolicy configured = configuredSpendingPolicy(config.budget().spending());
        return tenant -> configured;
    }

    /** {@code gemgate.budget.spending.*}: the policy of every tenant without one of its own. */
    static SpendingPolicy configuredSpendingPolicy(GemgateConfig.Spending spending) {
        try {
            return new SpendingPolicy(spending.forwardedOutputCap(), spending.refuseUnmeasuredMedia());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.budget.spending.forwarded-output-cap: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    AdminAudit adminAudit(AuditLog auditLog, IdGenerator ids, Clock clock) {
        return new AdminAudit(auditLog, ids, clock);
    }

    @Produces
    @Singleton
    RecordAdminDenial recordAdminDenial(AdminAudit audit) {
        return new RecordAdminDenial(audit);
    }

    @Produces
    @Singleton
    CreateTenant createTenant(TenantRepository tenants, AdminAudit audit, IdGenerator ids, Clock clock) {
        return new CreateTenant(tenants, audit, ids, clock);
    }

    @Produces
    @Singleton
    ListTenants listTenants(TenantRepository tenants) {
        return new ListTenants(tenants);
    }

    @Produces
    @Singleton
    GetTenant getTenant(TenantRepository tenants) {
        return new GetTenant(tenants);
    }

    @Produces
    @Singleton
    ListPrices listPrices(PriceBook book, Clock clock) {
        return new ListPrices(book, clock);
    }

    @Produces
    @Singleton
    AddModelPrice addModelPrice(PriceBook book, PricingCatalog catalog, AdminAudit audit, Clock clock) {
        return new AddModelPrice(book, catalog, audit, clock);
    }

    @Produces
    @Singleton
    UpdateTenant updateTenant(TenantRepository tenants, AdminAudit audit) {
        return new UpdateTenant(tenants, audit);
    }

    @Produces
    @Singleton
    SuspendTenant suspendTenant(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                                AdminAudit audit) {
        return new SuspendTenant(tenants, keys, lookup, audit);
    }

    @Produces
    @Singleton
    ResumeTenant resumeTenant(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                              AdminAudit audit) {
        return new ResumeTenant(tenants, keys, lookup, audit);
    }

    @Produces
    @Singleton
    DeleteTenant deleteTenant(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                              AdminAudit audit, Clock clock) {
        return new DeleteTenant(tenants, keys, lookup, audit, clock);
    }

    @Produces
    @Singleton
    IssueApiKey issueApiKey(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                            AdminAudit audit, IdGenerator ids, Clock clock) {
        return new IssueApiKey(tenants, keys, lookup, audit, ids, clock);
    }

    @Produces
    @Singleton
    ListApiKeys listApiKeys(TenantRepository tenants, ApiKeyRepository keys, Clock clock) {
        return new ListApiKeys(tenants, keys, clock);
    }

    @Produces
    @Singleton
    GetApiKey getApiKey(TenantRepository tenants, ApiKeyRepository keys, Clock clock) {
        return new GetApiKey(tenants, keys, clock);
    }

    @Produces
    @Singleton
    RotateApiKey rotateApiKey(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                              AdminAudit audit, IdGenerator ids, Clock clock) {
        return new RotateApiKey(tenants, keys, lookup, audit, ids, clock);
    }

    @Produces
    @Singleton
    RevokeApiKey revokeApiKey(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                              AdminAudit audit, Clock clock) {
        return new RevokeApiKey(tenants, keys, lookup, audit, clock);
    }

    @Produces
    @Singleton
    ChangeApiKeyScopes changeApiKeyScopes(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                                          AdminAudit audit, Clock clock) {
        return new ChangeApiKeyScopes(tenants, keys, lookup, audit, clock);
    }

    @Produces
    @Singleton
    GenerateContent generateContent(PricingCatalog pricing, ResponseCaching caching, UpstreamCalls upstream,
                                    Admission admission, RequestFingerprint fingerprints, Clock clock,
                                    GenerationPolicy policy) {
        return new GenerateContent(pricing, caching, upstream, admission, fingerprints, clock, policy);
    }

    @Produces
    @Singleton
    StreamGenerateContent streamGenerateContent(PricingCatalog pricing, ResponseCaching caching,
                                                UpstreamCalls upstream, Admission admission,
                                                RequestFingerprint fingerprints, Clock clock,
                                                GenerationPolicy policy, StreamPolicy streams) {
        return new StreamGenerateContent(pricing, caching, upstream, admission, fingerprints, clock, policy,
                streams);
    }

    @Produces
    @Singleton
    EmbedContent embedContent(PricingCatalog pricing, UpstreamCalls upstream, Admission admission, Clock clock,
                              GenerationPolicy policy) {
        return new EmbedContent(pricing, upstream, admission, clock, policy);
    }

    @Produces
    @Singleton
    CountTokens countTokens(PricingCatalog pricing, UpstreamCalls upstream, Admission admission, Clock clock,
                            GenerationPolicy policy) {
        return new CountTokens(pricing, upstream, admission, clock, policy);
    }

    /** Refreshed in the background on virtual threads, when a read finds the list older than gemgate.models.refresh. */
    @Produces
    @Singleton
    ModelCatalog modelCatalog(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream, Clock clock,
                              GemgateConfig config, @VirtualThreads ExecutorService virtualThreads) {
        return new ModelCatalog(pricing, vault, upstream, clock, config.upstream().timeout(),
                config.models().refresh(), config.models().retryAfter(), virtualThreads);
    }

    /** The catalog is built at the first model read: settings it would refuse fail the start instead. */
    void checkModelSettings(@Observes StartupEvent event, GemgateConfig config) {
        if (!config.models().refresh().isPositive() || !config.models().retryAfter().isPositive()) {
            throw new IllegalStateException("gemgate.models.refresh and gemgate.models.retry-after must be positive");
        }
    }

    @Produces
    @Singleton
    ListModels listModels(ModelCatalog catalog, Admission admission) {
        return new ListModels(catalog, admission);
    }

    @Produces
    @Singleton
    GetModel getModel(ModelCatalog catalog, Admission admission) {
        return new GetModel(catalog, admission);
    }
}
