package dev.gemgate.domain.quota;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;

/** What one request costs against the rate limits: requests (normally 1) and estimated tokens. */
public record QuotaRequest(TenantId tenant, ModelId model, long requests, long tokens) {
    public QuotaRequest {
        if (tenant == null || model == null) {
            throw new IllegalArgumentException("tenant and model are required");
        }
        if (requests < 0 || tokens < 0) {
            throw new IllegalArgumentException("quota cost cannot be negative");
        }
    }
}
