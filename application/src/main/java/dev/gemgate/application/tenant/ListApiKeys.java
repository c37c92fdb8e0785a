package dev.gemgate.application.tenant;

import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** A live tenant's keys, oldest first, revoked and expired ones included (with their status). A read: not audited. */
public final class ListApiKeys {
    public record Query(TenantId tenant) {
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final Clock clock;

    public ListApiKeys(TenantRepository tenants, ApiKeyRepository keys, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.clock = clock;
    }

    public List<ApiKeyView> execute(Query query) {
        AdminLookups.liveTenant(tenants, query.tenant());
        Instant now = clock.instant();
        return keys.findByTenant(query.tenant()).stream()
                .sorted(java.util.Comparator.comparing(dev.gemgate.domain.tenant.ApiKey::createdAt)
                        .thenComparing(k -> k.id().value()))
                .map(k -> ApiKeyView.of(k, now)).toList();
    }
}
