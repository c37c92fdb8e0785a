package dev.gemgate.app;

import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.ClearApiKeyRateLimits;
import dev.gemgate.application.tenant.ClearTenantRateLimits;
import dev.gemgate.application.tenant.GetApiKeyRateLimits;
import dev.gemgate.application.tenant.GetTenantRateLimits;
import dev.gemgate.application.tenant.SetApiKeyRateLimits;
import dev.gemgate.application.tenant.SetTenantRateLimits;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;


/**
 * The rate limits in force: the {@code gemgate.quota.*} defaults overridden by the admin API's per-tenant and per-key
 * overrides ({@link OverridingRateLimitSource}, which replaces {@link QuotaWiring}'s defaults-only
 * {@code RateLimitSource}), and the use cases that change them.
 *
 * <p>The overrides are read from the store at start-up and then every {@code gemgate.quota.overrides-refresh} (default
 * 5 s, a virtual thread: {@link PeriodicReload}), so a change made on another replica is in force here within that
 * period; a change made on this instance is in force at once. A failed reload keeps the last snapshot (requests never
 * fail for it) and logs one warning per outage, and one line when reloads succeed again. Before the first successful
 * load (a database that is down at start-up) the configured defaults apply.
 */
@Singleton
public class RateLimitOverridesWiring {
    private volatile PeriodicReload refresher;

    @Produces
    @Singleton
    OverridingRateLimitSource rateLimits(GemgateConfig config, RateLimitOverrideStore store) {
        GemgateConfig.Quota quota = config.quota();
        if (!quota.overridesRefresh().isPositive()) {
            throw new IllegalStateException("gemgate.quota.overrides-refresh must be positive: "
                    + quota.overridesRefresh());
        }
        return new OverridingRateLimitSource(QuotaWiring.limits("tenant", quota.tenant()),
                QuotaWiring.limits("tenant-model", quota.tenantModel()), QuotaWiring.limits("key", quota.key()), store);
    }

    void onStart(@Observes StartupEvent event, OverridingRateLimitSource limits, GemgateConfig config) {
        refresher = new PeriodicReload("rate-limit overrides", limits::reload, limits::size);
        refresher.start(config.quota().overridesRefresh(), "gemgate-rate-limit-overrides");
    }

    void onShutdown(@Observes ShutdownEvent event) {
        PeriodicReload started = refresher;
        if (started != null) {
            started.stop();
        }
    }

    @Produces
    @Singleton
    GetTenantRateLimits getTenantRateLimits(TenantRepository tenants, RateLimitOverrideStore store,
                                            OverridingRateLimitSource limits) {
        return new GetTenantRateLimits(tenants, store, limits);
    }

    @Produces
    @Singleton
    SetTenantRateLimits setTenantRateLimits(TenantRepository tenants, RateLimitOverrideStore store,
                                            OverridingRateLimitSource limits, AdminAudit audit) {
        return new SetTenantRateLimits(tenants, store, limits, audit);
    }

    @Produces
    @Singleton
    ClearTenantRateLimits clearTenantRateLimits(TenantRepository tenants, RateLimitOverrideStore store,
                                                OverridingRateLimitSource limits, AdminAudit audit) {
        return new ClearTenantRateLimits(tenants, store, limits, audit);
    }

    @Produces
    @Singleton
    GetApiKeyRateLimits getApiKeyRateLimits(TenantRepository tenants, ApiKeyRepository keys,
                                            RateLimitOverrideStore store, OverridingRateLimitSource limits) {
        return new GetApiKeyRateLimits(tenants, keys, store, limits);
    }

    @Produces
    @Singleton
    SetApiKeyRateLimits setApiKeyRateLimits(TenantRepository tenants, ApiKeyRepository keys,
                                            RateLimitOverrideStore store, OverridingRateLimitSource limits,
                                            AdminAudit audit) {
        return new SetApiKeyRateLimits(tenants, keys, store, limits, audit);
    }

    @Produces
    @Singleton
    ClearApiKeyRateLimits clearApiKeyRateLimits(TenantRepository tenants, ApiKeyRepository keys,
                                                RateLimitOverrideStore store, OverridingRateLimitSource limits,
                                                AdminAudit audit) {
        return new ClearApiKeyRateLimits(tenants, keys, store, limits, audit);
    }
}
