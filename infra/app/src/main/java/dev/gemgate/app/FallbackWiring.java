package dev.gemgate.app;

import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.upstream.GetFallbackPolicy;
import dev.gemgate.application.upstream.RemoveFallbackPolicy;
import dev.gemgate.application.upstream.SetFallbackPolicy;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fallback chains: the configured ones ({@code gemgate.upstream.fallback."<model>"=<models>}, checked at start-up:
 * a bad model name, a chain longer than {@link FallbackPolicy#MAX_CHAIN}, a repeated model or the model itself stop the
 * start naming the setting) and the tenants' own policies set through the admin API, with the use cases that change
 * them.
 *
 * <p>{@link StoredFallbackPolicySource} is the {@code FallbackPolicySource} bean the upstream call's fallback loop
 * reads: an in-memory snapshot of the stored policies, read at start-up and then every {@code gemgate.budget.refresh}
 * (the period of every admin setting's reload, {@link PeriodicReload}); a change made on this instance is in force
 * here at once. Resolution per request: a strict tenant has no fallback; else its own chain of the model; else the
 * configured chain of the model; else none.
 */
@Singleton
public class FallbackWiring {
    private static final String SETTING = "gemgate.upstream.fallback";

    private volatile PeriodicReload refresher;

    @Produces
    @Singleton
    StoredFallbackPolicySource fallbackPolicies(GemgateConfig config, FallbackPolicyStore store) {
        return new StoredFallbackPolicySource(configuredChains(config.upstream().fallback()), store);
    }

    /** {@code gemgate.upstream.fallback.*} as chains; anything wrong stops the start naming the setting. */
    static Map<ModelId, List<ModelId>> configuredChains(Map<String, String> settings) {
        Map<ModelId, List<ModelId>> chains = new LinkedHashMap<>();
        for (Map.Entry<String, String> setting : new TreeMap<>(settings).entrySet()) {
            String name = SETTING + ".\"" + setting.getKey() + "\"";
            if (!ModelId.isValid(setting.getKey())) {
                throw new IllegalStateException(name + ": not a model name");
            }
            ModelId model = ModelId.parse(setting.getKey());
            List<ModelId> chain = new ArrayList<>();
            for (String text : setting.getValue().split(",")) {
                String fallback = text.strip();
                if (fallback.isEmpty()) {
                    continue;
                }
                if (!ModelId.isValid(fallback)) {
                    throw new IllegalStateException(name + ": '" + fallback + "' is not a model name");
                }
                chain.add(ModelId.parse(fallback));
            }
            if (chains.put(model, chain) != null) {
                throw new IllegalStateException(name + ": the model is configured twice (with and without models/)");
            }
            try {
                new FallbackPolicy(false, Map.of(model, chain));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(name + ": " + e.getMessage(), e);
            }
        }
        return chains;
    }

    void onStart(@Observes StartupEvent event, StoredFallbackPolicySource policies, GemgateConfig config) {
        refresher = new PeriodicReload("fallback policies", policies::reload, policies::size);
        refresher.start(config.budget().refresh(), "gemgate-fallback-policies");
    }

    void onShutdown(@Observes ShutdownEvent event) {
        if (refresher != null) {
            refresher.stop();
        }
    }

    @Produces
    @Singleton
    GetFallbackPolicy getFallbackPolicy(TenantRepository tenants, FallbackPolicyStore store,
                                        StoredFallbackPolicySource source) {
        return new GetFallbackPolicy(tenants, store, source);
    }

    @Produces
    @Singleton
    SetFallbackPolicy setFallbackPolicy(TenantRepository tenants, FallbackPolicyStore store,
                                        StoredFallbackPolicySource source, PricingCatalog pricing, AdminAudit audit,
                                        Clock clock) {
        return new SetFallbackPolicy(tenants, store, source, pricing, audit, clock);
    }

    @Produces
    @Singleton
    RemoveFallbackPolicy removeFallbackPolicy(TenantRepository tenants, FallbackPolicyStore store,
                                              StoredFallbackPolicySource source, AdminAudit audit) {
        return new RemoveFallbackPolicy(tenants, store, source, audit);
    }
}
