package dev.gemgate.application.tenant;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;

/** One key of a live tenant; {@code NotFoundException} if either does not exist (or the key is another's). */
public final class GetApiKey {
    public record Query(TenantId tenant, ApiKeyId key) {
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final Clock clock;

    public GetApiKey(TenantRepository tenants, ApiKeyRepository keys, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.clock = clock;
    }

    public ApiKeyView execute(Query query) {
        return ApiKeyView.of(AdminLookups.keyOf(tenants, keys, query.tenant(), query.key()), clock.instant());
    }
}
