package dev.gemgate.application.tenant;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;

/**
 * A tenant application whose key was accepted for this request, with the key's scopes: surface and address were
 * checked at authentication, the model is checked when the request's ticket is opened ({@code Admission.open}).
 */
public record Caller(TenantId tenant, ApiKeyId apiKey, KeyScopes scopes) {
    public Caller {
        if (tenant == null || apiKey == null || scopes == null) {
            throw new IllegalArgumentException("tenant, key and scopes are required");
        }
    }

    /** A caller whose key has no scopes. */
    public Caller(TenantId tenant, ApiKeyId apiKey) {
        this(tenant, apiKey, KeyScopes.UNRESTRICTED);
    }
}
