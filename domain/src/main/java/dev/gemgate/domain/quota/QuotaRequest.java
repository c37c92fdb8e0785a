package dev.gemgate.domain.quota;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Optional;

/**
 * What one request costs against the rate limits of its tenant, its key and (when it names one) its model: requests
 * (normally 1) and estimated tokens. A model read (list or get) names no model and costs one request, no tokens.
 */
public record QuotaRequest(TenantId tenant, ApiKeyId apiKey, Optional<ModelId> model, long requests, long tokens) {
    public QuotaRequest {
        if (tenant == null || apiKey == null || model == null) {
            throw new IllegalArgumentException("tenant, key and model are required (Optional.empty() for no model)");
        }
        if (requests < 0 || tokens < 0) {
            throw new IllegalArgumentException("quota cost cannot be negative");
        }
    }

    /** One call of {@code model} estimated at {@code tokens}. */
    public static QuotaRequest call(TenantId tenant, ApiKeyId apiKey, ModelId model, long tokens) {
        return new QuotaRequest(tenant, apiKey, Optional.of(model), 1, tokens);
    }

    /** One read of the model list or of one model: a request against the tenant's and the key's request limits. */
    public static QuotaRequest modelRead(TenantId tenant, ApiKeyId apiKey) {
        return new QuotaRequest(tenant, apiKey, Optional.empty(), 1, 0);
    }
}
