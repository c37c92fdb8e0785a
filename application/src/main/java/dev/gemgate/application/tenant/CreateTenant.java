package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.tenant.TenantStatus;

import java.time.Clock;

/** Creates an active tenant with a unique name. */
public final class CreateTenant {
    public record Command(String name) {
        public Command {
            if (name == null || name.isBlank() || name.strip().length() > Tenant.MAX_NAME_LENGTH) {
                throw new InvalidRequestException("a tenant name has 1 to " + Tenant.MAX_NAME_LENGTH + " characters");
            }
            name = name.strip();
        }
    }

    private final TenantRepository tenants;
    private final IdGenerator ids;
    private final Clock clock;

    public CreateTenant(TenantRepository tenants, IdGenerator ids, Clock clock) {
        this.tenants = tenants;
        this.ids = ids;
        this.clock = clock;
    }

    public Tenant execute(Command command) {
        if (tenants.findByName(command.name()).isPresent()) {
            throw new InvalidRequestException("a tenant named '" + command.name() + "' already exists");
        }
        Tenant tenant = new Tenant(new TenantId(ids.newUuid()), command.name(), TenantStatus.ACTIVE, clock.instant());
        tenants.save(tenant);
        return tenant;
    }
}
