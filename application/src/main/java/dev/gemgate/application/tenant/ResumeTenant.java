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
import dev.gemgate.domain.tenant.TenantStatus;


/**
 * Resumes a suspended tenant: its keys work again (those not revoked or expired); on this instance at once, on the
 * others within the key cache's lifetime. Idempotent: resuming an active tenant changes and records nothing. Audited
 * as TENANT_RESUMED.
 */
public final class ResumeTenant {
    public record Command(TenantId tenant, AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
        }
    }

    /** {@code changed} is false when the tenant already was active. */
    public record Result(Tenant tenant, boolean changed) {
    }

    private final TenantStatusTransition transition;

    public ResumeTenant(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup, AdminAudit audit) {
        this.transition = new TenantStatusTransition(tenants, keys, lookup, audit);
    }

    public Result execute(Command command) {
        TenantStatusTransition.Outcome outcome = transition.apply(command.tenant(), command.actor(),
                TenantStatus.ACTIVE, AuditEventType.TENANT_RESUMED, "resumed");
        return new Result(outcome.tenant(), outcome.changed());
    }
}
