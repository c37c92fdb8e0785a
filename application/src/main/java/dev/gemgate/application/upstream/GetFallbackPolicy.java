package dev.gemgate.application.upstream;

import dev.gemgate.application.tenant.AdminLookups;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.FallbackPolicyStore;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A live tenant's fallback policy as stored (read from the store, not from this instance's snapshot), with the
 * configured chains that apply to every model its policy does not name (unless it is strict). A read: not audited.
 */
public final class GetFallbackPolicy {
    public record Query(TenantId tenant) {
    }

    /** {@code stored}: the tenant's own policy, if it has one; {@code configured}: the chains of every tenant. */
    public record Result(Optional<FallbackPolicy> stored, Map<ModelId, List<ModelId>> configured) {
        /** The tenant's policy: its own, else the default (no setting of its own). */
        public FallbackPolicy policy() {
            return stored.orElse(FallbackPolicy.DEFAULT);
        }
    }

    private final TenantRepository tenants;
    private final FallbackPolicyStore store;
    private final StoredFallbackPolicySource source;

    public GetFallbackPolicy(TenantRepository tenants, FallbackPolicyStore store, StoredFallbackPolicySource source) {
        this.tenants = tenants;
        this.store = store;
        this.source = source;
    }

    public Result execute(Query query) {
        TenantId tenant = AdminLookups.liveTenant(tenants, query.tenant()).id();
        return new Result(store.find(tenant), source.configuredChains());
    }
}
