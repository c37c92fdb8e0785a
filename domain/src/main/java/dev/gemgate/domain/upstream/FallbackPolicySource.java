package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.List;

/**
 * Port: the fallback chain in force for a tenant's request to a model: empty for a strict tenant; the tenant's own
 * chain for that model when its {@link FallbackPolicy} names it; else the configured chain of the model
 * ({@code gemgate.upstream.fallback.*}); else none. Answered from memory (called on the request path).
 */
@FunctionalInterface
public interface FallbackPolicySource {
    FallbackPolicySource NONE = (tenant, model) -> List.of();

    List<ModelId> chainFor(TenantId tenant, ModelId model);
}
