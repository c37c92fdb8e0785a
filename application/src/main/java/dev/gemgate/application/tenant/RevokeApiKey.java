package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Revokes a key at once: refused (403) from the next request on this instance, on the others within the key cache's
 * lifetime ({@code gemgate.auth.key-cache-ttl}). Idempotent: revoking a revoked key changes and records nothing.
 * Audited as API_KEY_REVOKED.
 */
public final class RevokeApiKey {
    public record Command(TenantId tenant, ApiKeyId key, AdminActor actor) {
        public Command {
            if (tenant == null || key == null || actor == null) {
                throw new InvalidRequestException("a tenant, a key and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyGrantLookup lookup;
    private final AdminAudit audit;
    private final Clock clock;

    public RevokeApiKey(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup, AdminAudit audit,
                        Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.lookup = lookup;
        this.audit = audit;
        this.clock = clock;
    }

    public ApiKeyView execute(Command command) {
        ApiKey before = AdminLookups.keyOf(tenants, keys, command.tenant(), command.key());
        Instant now = clock.instant();
        if (before.status() == ApiKeyStatus.REVOKED) {
            return ApiKeyView.of(before, now);
        }
        ApiKey after = before.revokedAt(now);
        keys.save(after);
        lookup.forget(after.hash());
        audit.keyChanged(command.actor(), AuditEventType.API_KEY_REVOKED, Optional.of(before), after,
                "api key " + after.prefix() + "… revoked");
        return ApiKeyView.of(after, now);
    }
}
