package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.util.Optional;

/**
 * Soft-deletes a tenant: the row stays (status DELETED, {@code deletedAt}) so that its audit trail, ledger and keys
 * keep pointing at something, but for the admin API it is gone (404), its keys are refused for good (403, "deleted"),
 * and its name is free for a new tenant (the new one has another id, so audit records never mix). Deleting a deleted
 * or unknown tenant is a {@code NotFoundException}. Audited as TENANT_DELETED.
 */
public final class DeleteTenant {
    public record Command(TenantId tenant, AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
        }
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyGrantLookup lookup;
    private final AdminAudit audit;
    private final Clock clock;

    public DeleteTenant(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup, AdminAudit audit,
                        Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.lookup = lookup;
        this.audit = audit;
        this.clock = clock;
    }

    public Tenant execute(Command command) {
        Tenant before = AdminLookups.liveTenant(tenants, command.tenant());
        Tenant after = before.deletedAt(clock.instant());
        tenants.save(after);
        AdminLookups.forgetKeysOf(keys, lookup, after.id());
        audit.tenantChanged(command.actor(), AuditEventType.TENANT_DELETED, Optional.of(before), after,
                "tenant " + after.name() + " deleted");
        return after;
    }
}
