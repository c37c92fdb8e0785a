package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.util.Optional;

/**
 * Replaces a key's scopes (build them with {@link KeyScopes#parse}, which names every bad entry; wrap its
 * {@code IllegalArgumentException} with {@link #scopes}). Effective on this instance at once, on the others within
 * the key cache's lifetime. A revoked key's scopes cannot change ({@link ConflictException}). Audited as
 * API_KEY_SCOPES_CHANGED with before and after, unless nothing changed.
 */
public final class ChangeApiKeyScopes {
    public record Command(TenantId tenant, ApiKeyId key, KeyScopes scopes, AdminActor actor) {
        public Command {
            if (tenant == null || key == null || scopes == null || actor == null) {
                throw new InvalidRequestException("a tenant, a key, scopes and an admin actor are required");
            }
        }
    }

    /** Parses scopes from their text forms into a 400 ({@code InvalidRequestException}) naming every bad entry. */
    public static KeyScopes scopes(java.util.Collection<String> models, java.util.Collection<String> surfaces,
                                   java.util.Collection<String> addresses) {
        return AdminLookups.valid("scopes", () -> KeyScopes.parse(models, surfaces, addresses));
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyGrantLookup lookup;
    private final AdminAudit audit;
    private final Clock clock;

    public ChangeApiKeyScopes(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup,
                              AdminAudit audit, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.lookup = lookup;
        this.audit = audit;
        this.clock = clock;
    }

    public ApiKeyView execute(Command command) {
        ApiKey before = AdminLookups.keyOf(tenants, keys, command.tenant(), command.key());
        if (before.status() == ApiKeyStatus.REVOKED) {
            throw new ConflictException("api key " + before.prefix() + "… is revoked; its scopes cannot change");
        }
        if (before.scopes().equals(command.scopes())) {
            return ApiKeyView.of(before, clock.instant());
        }
        ApiKey after = before.withScopes(command.scopes());
        keys.save(after);
        lookup.forget(after.hash());
        audit.keyChanged(command.actor(), AuditEventType.API_KEY_SCOPES_CHANGED, Optional.of(before), after,
                "api key " + after.prefix() + "… scopes changed to " + after.scopes());
        return ApiKeyView.of(after, clock.instant());
    }
}
