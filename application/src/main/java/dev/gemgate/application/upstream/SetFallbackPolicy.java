package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces a live tenant's fallback policy (strict mode and its own chains, see {@link FallbackPolicy}): in force on
 * this instance at once, on the others within {@code gemgate.budget.refresh}. Every model it names, requested or
 * fallback, must have a price now: a model without one is not served (a fallback to it would be refused at run time),
 * so it is a 400 naming {@code chains.<model>}. Audited as FALLBACK_POLICY_CHANGED with before (absent if the tenant
 * had none of its own) and after, unless nothing changed.
 */
public final class SetFallbackPolicy {
    public record Command(TenantId tenant, FallbackPolicy policy, AdminActor actor) {
        public Command {
            if (tenant == null || policy == null || actor == null) {
                throw new InvalidRequestException("a tenant, a policy and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final FallbackPolicyStore store;
    private final StoredFallbackPolicySource source;
    private final PricingCatalog pricing;
    private final AdminAudit audit;
    private final Clock clock;

    public SetFallbackPolicy(TenantRepository tenants, FallbackPolicyStore store, StoredFallbackPolicySource source,
                             PricingCatalog pricing, AdminAudit audit, Clock clock) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
        this.pricing = pricing;
        this.audit = audit;
        this.clock = clock;
    }

    public FallbackPolicy execute(Command command) {
        TenantId tenant = AdminLookups.liveTenant(tenants, command.tenant()).id();
        FallbackPolicy after = command.policy();
        requireServed(after);
        Optional<FallbackPolicy> before = store.find(tenant);
        if (!before.equals(Optional.of(after))) {
            store.save(tenant, after);
            source.put(tenant, after);
            audit.fallbackPolicyChanged(command.actor(), tenant, before, Optional.of(after),
                    "fallback policy of tenant " + tenant + " set");
        }
        return after;
    }

    private void requireServed(FallbackPolicy policy) {
        Instant now = clock.instant();
        for (Map.Entry<ModelId, List<ModelId>> chain : policy.chains().entrySet()) {
            String field = "chains." + chain.getKey().value();
            requirePriced(chain.getKey(), field, now);
            for (ModelId fallback : chain.getValue()) {
                requirePriced(fallback, field, now);
            }
        }
    }

    private void requirePriced(ModelId model, String field, Instant now) {
        if (pricing.priceAt(model, now).isEmpty()) {
            throw InvalidRequestException.forField(field, "models/" + model.value()
                    + " has no price, so Gemgate does not serve it (add its price first)");
        }
    }
}
