package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.tenant.TenantStatus;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Creates an active tenant. Its name must be free among live tenants, ignoring case ({@link ConflictException}
 * otherwise, also when two creations race); the display name defaults to the name. Audited as TENANT_CREATED.
 */
public final class CreateTenant {
    public record Command(String name, Optional<String> displayName, Optional<String> contact,
                          Map<String, String> metadata, AdminActor actor) {
        public Command {
            if (name == null || name.isBlank() || name.strip().length() > Tenant.MAX_NAME_LENGTH) {
                throw InvalidRequestException.forField("name", "a tenant name has 1 to " + Tenant.MAX_NAME_LENGTH
                        + " characters");
            }
            if (actor == null) {
                throw new InvalidRequestException("an admin actor is required");
            }
            name = name.strip();
            displayName = displayName == null ? Optional.empty() : displayName.map(String::strip);
            contact = contact == null ? Optional.empty() : contact.map(String::strip).filter(c -> !c.isEmpty());
            metadata = metadata == null ? Map.of() : metadata;
        }

        /** A tenant with only a name, created by Gemgate itself (the demo seeder, tests). */
        public Command(String name) {
            this(name, Optional.empty(), Optional.empty(), Map.of(), AdminActor.system("create-tenant"));
        }
    }

    private final TenantRepository tenants;
    private final AdminAudit audit;
    private final IdGenerator ids;
    private final Clock clock;

    public CreateTenant(TenantRepository tenants, AdminAudit audit, IdGenerator ids, Clock clock) {
        this.tenants = tenants;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    public Tenant execute(Command command) {
        Tenant tenant = AdminLookups.valid("tenant", () -> new Tenant(new TenantId(ids.newUuid()), command.name(),
                command.displayName().orElse(command.name()), command.contact(), command.metadata(),
                TenantStatus.ACTIVE, clock.instant(), Optional.empty()));
        if (tenants.findByName(command.name()).isPresent()) {
            throw new ConflictException("a tenant named '" + command.name() + "' already exists");
        }
        tenants.save(tenant);
        audit.tenantChanged(command.actor(), AuditEventType.TENANT_CREATED, Optional.empty(), tenant,
                "tenant " + tenant.name() + " created");
        return tenant;
    }
}
