package dev.gemgate.application.tenant;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

/** A tenant application whose key was accepted for this request. */
public record Caller(TenantId tenant, ApiKeyId apiKey) {
}
