package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.TenantRateLimitOverride;

/**
 * The one way an override changes, shared by the set and clear use cases: replace what is stored with {@code after}
 * (an empty override removes the row), put it into this instance's in-memory limits at once, and audit before and
 * after. Nothing changes and nothing is recorded when {@code after} equals what is stored.
 */
final class RateLimitOverrideChange {
    private final RateLimitOverrideStore store;
    private final OverridingRateLimitSource limits;
    private final AdminAudit audit;

    RateLimitOverrideChange(RateLimitOverrideStore store, OverridingRateLimitSource limits, AdminAudit audit) {
        this.store = store;
        this.limits = limits;
        this.audit = audit;
    }

    TenantRateLimits replace(TenantRateLimitOverride after, AdminActor actor, String verb) {
        TenantRateLimitOverride before = store.findTenant(after.tenant())
                .orElseGet(() -> TenantRateLimitOverride.none(after.tenant()));
        if (!before.equals(after)) {
            if (after.isEmpty()) {
                store.clearTenant(after.tenant());
            } else {
                store.save(after);
            }
            limits.put(after);
            audit.tenantRateLimitsChanged(actor, before, after,
                    "rate limits of tenant " + after.tenant() + " " + verb);
        }
        return new TenantRateLimits(after, limits.effective(after));
    }

    ApiKeyRateLimits replace(ApiKeyRateLimitOverride after, AdminActor actor, String verb) {
        ApiKeyRateLimitOverride before = store.findApiKey(after.key())
                .orElseGet(() -> ApiKeyRateLimitOverride.none(after.tenant(), after.key()));
        if (!before.equals(after)) {
            if (after.isEmpty()) {
                store.clearApiKey(after.key());
            } else {
                store.save(after);
            }
            limits.put(after);
            audit.keyRateLimitsChanged(actor, before, after, "rate limits of api key " + after.key() + " " + verb);
        }
        return new ApiKeyRateLimits(after, limits.effective(after));
    }
}
