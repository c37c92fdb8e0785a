package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.tenant.TenantStatus;

import java.util.Optional;

/**
 * Moving a live tenant to a status (suspend, resume): idempotent, the tenant's keys forgotten by the key cache so the
 * change takes effect at once on this instance, audited with before and after. Shared by {@link SuspendTenant} and
 * {@link ResumeTenant}, which differ only in the status and the event.
 */
final class TenantStatusTransition {
    /** The tenant after the call; {@code changed} is false when it already had the status. */
    record Outcome(Tenant tenant, boolean changed) {
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyGrantLookup lookup;
    private final AdminAudit audit;

    TenantStatusTransition(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup, AdminAudit audit) {
        this.tenants = tenants;
        this.keys = keys;
        this.lookup = lookup;
        this.audit = audit;
    }

    Outcome apply(TenantId id, AdminActor actor, TenantStatus target, AuditEventType event, String verb) {
        Tenant before = AdminLookups.liveTenant(tenants, id);
        if (before.status() == target) {
            return new Outcome(before, false);
        }
        Tenant after = before.withStatus(target);
        tenants.save(after);
        AdminLookups.forgetKeysOf(keys, lookup, after.id());
        audit.tenantChanged(actor, event, Optional.of(before), after, "tenant " + after.name() + " " + verb);
        return new Outcome(after, true);
    }
}
