package dev.gemgate.app;

import dev.gemgate.application.generation.CountTokens;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.generation.GetModel;
import dev.gemgate.application.generation.ListModels;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.tenant.AuthenticateApiKey;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The framework-free use cases, wired to the adapters that implement their ports. */
public class UseCaseProducers {
    @Produces
    @Singleton
    GenerationPolicy generationPolicy(GemgateConfig config) {
        GemgateConfig.Generation g = config.generation();
        return new GenerationPolicy(g.defaultMaxOutputTokens(), g.maxOutputTokens(), g.maxInlineBytes(),
                config.upstream().timeout(), g.cacheTtl());
    }

    @Produces
    @Singleton
    RequestRecorder requestRecorder(AuditLog auditLog, RequestMetrics metrics) {
        return new RequestRecorder(auditLog, metrics);
    }

    @Produces
    @Singleton
    AuthenticateApiKey authenticateApiKey(ApiKeyRepository keys, TenantRepository tenants, Clock clock,
                                          GemgateConfig config) {
        return new AuthenticateApiKey(keys, tenants, clock, config.auth().keyCacheTtl());
    }

    @Produces
    @Singleton
    CreateTenant createTenant(TenantRepository tenants, IdGenerator ids, Clock clock) {
        return new CreateTenant(tenants, ids, clock);
    }

    @Produces
    @Singleton
    IssueApiKey issueApiKey(TenantRepository tenants, ApiKeyRepository keys, IdGenerator ids, Clock clock) {
        return new IssueApiKey(tenants, keys, ids, clock);
    }

    @Produces
    @Singleton
    GenerateContent generateContent(PricingCatalog pricing, QuotaLimiter quota, ResponseCache cache,
                                    BudgetLedger ledger, UpstreamKeyVault vault, GenerationPort upstream,
                                    RequestRecorder recorder, IdGenerator ids, Clock clock, GenerationPolicy policy) {
        return new GenerateContent(pricing, quota, cache, ledger, vault, upstream, recorder, ids, clock, policy);
    }

    @Produces
    @Singleton
    CountTokens countTokens(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream,
                            RequestRecorder recorder, IdGenerator ids, Clock clock, GemgateConfig config) {
        return new CountTokens(pricing, vault, upstream, recorder, ids, clock, config.upstream().timeout());
    }

    @Produces
    @Singleton
    ListModels listModels(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream, Clock clock,
                          GemgateConfig config) {
        return new ListModels(pricing, vault, upstream, clock, config.upstream().timeout());
    }

    @Produces
    @Singleton
    GetModel getModel(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream, Clock clock,
                      GemgateConfig config) {
        return new GetModel(pricing, vault, upstream, clock, config.upstream().timeout());
    }
}
