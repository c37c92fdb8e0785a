package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.Map;
import java.util.Optional;

/**
 * Replaces a live tenant's descriptive fields (display name, contact, metadata): what the command holds is what the
 * tenant then has (a PATCH is the web layer's merge with {@link GetTenant}'s answer). The name and status are not
 * touched here. Audited as TENANT_UPDATED with before and after, unless nothing changed.
 */
public final class UpdateTenant {
    public record Command(TenantId tenant, String displayName, Optional<String> contact, Map<String, String> metadata,
                          AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
            if (displayName == null) {
                throw InvalidRequestException.forField("displayName", "is required");
            }
            displayName = displayName.strip();
            contact = contact == null ? Optional.empty() : contact.map(String::strip).filter(c -> !c.isEmpty());
            metadata = metadata == null ? Map.of() : metadata;
        }
    }

    private final TenantRepository tenants;
    private final AdminAudit audit;

    public UpdateTenant(TenantRepository tenants, AdminAudit audit) {
        this.tenants = tenants;
        this.audit = audit;
    }

    public Tenant execute(Command command) {
        Tenant before = AdminLookups.liveTenant(tenants, command.tenant());
        Tenant after = AdminLookups.valid("tenant",
                () -> before.withProfile(command.displayName(), command.contact(), command.metadata()));
        if (after.equals(before)) {
            return before;
        }
        tenants.save(after);
        audit.tenantChanged(command.actor(), AuditEventType.TENANT_UPDATED, Optional.of(before), after,
                "tenant " + after.name() + " updated");
        return after;
    }
}
