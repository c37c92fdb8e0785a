package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.function.Supplier;

/** The look-ups and input checks every admin use case shares: one wording for "not found" and for bad input. */
public final class AdminLookups {
    private AdminLookups() {
    }

    /** The tenant, unless it does not exist or was deleted (a deleted tenant is gone for the admin API). */
    public static Tenant liveTenant(TenantRepository tenants, TenantId id) {
        if (id == null) {
            throw InvalidRequestException.forField("tenant", "an id is required");
        }
        return tenants.findById(id).filter(t -> !t.isDeleted())
                .orElseThrow(() -> new NotFoundException("tenant " + id + " does not exist"));
    }

    /** The key, if it belongs to a live {@code tenant} (a key of another tenant is "not found", never revealed). */
    public static ApiKey keyOf(TenantRepository tenants, ApiKeyRepository keys, TenantId tenant, ApiKeyId key) {
        liveTenant(tenants, tenant);
        if (key == null) {
            throw InvalidRequestException.forField("key", "an id is required");
        }
        return keys.findById(key).filter(k -> k.tenantId().equals(tenant))
                .orElseThrow(() -> new NotFoundException("api key " + key + " does not exist for tenant " + tenant));
    }

    /** Builds a domain value, turning its constructor's refusal into a 400 naming {@code field}. */
    public static <T> T valid(String field, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.forField(field, e.getMessage());
        }
    }

    /** Makes every cached answer about the tenant's keys stale on this instance. */
    static void forgetKeysOf(ApiKeyRepository keys, KeyGrantLookup lookup, TenantId tenant) {
        keys.findByTenant(tenant).forEach(k -> lookup.forget(k.hash()));
    }
}
