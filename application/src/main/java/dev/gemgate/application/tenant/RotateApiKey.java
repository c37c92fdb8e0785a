package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Replaces a usable key: a new key (same label and scopes, the expiry the command gives, none by default) works at
 * once and is returned once; the old key keeps working until {@code grace} has passed (or its own expiry, if that is
 * sooner; a grace of zero ends it now). A revoked or expired key cannot be rotated ({@link ConflictException}): issue
 * a new one. Audited as API_KEY_ISSUED for the new key and API_KEY_ROTATED (before/after) for the old one.
 */
public final class RotateApiKey {
    public static final Duration MAX_GRACE = Duration.ofDays(30);

    public record Command(TenantId tenant, ApiKeyId key, Duration grace, Optional<Instant> newKeyExpiresAt,
                          AdminActor actor) {
        public Command {
            if (tenant == null || key == null || actor == null) {
                throw new InvalidRequestException("a tenant, a key and an admin actor are required");
            }
            if (grace == null || grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
                throw InvalidRequestException.forField("grace", "must be 0 to " + MAX_GRACE.toDays() + " days");
            }
            newKeyExpiresAt = newKeyExpiresAt == null ? Optional.empty() : newKeyExpiresAt;
        }
    }

    /** The new key (its secret shown once) and the old one as it now is (with its grace end as expiry). */
    public record Result(IssueApiKey.Issued replacement, ApiKeyView previous) {
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyGrantLookup lookup;
    private final AdminAudit audit;
    private final IdGenerator ids;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RotateApiKey(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup, AdminAudit audit,
                        IdGenerator ids, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.lookup = lookup;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    public Result execute(Command command) {
        ApiKey before = AdminLookups.keyOf(tenants, keys, command.tenant(), command.key());
        Instant now = clock.instant();
        switch (before.usabilityAt(now)) {
            case REVOKED ->
                    throw new ConflictException("api key " + before.prefix() + "… is revoked; issue a new key");
            case EXPIRED ->
                    throw new ConflictException("api key " + before.prefix() + "… has expired; issue a new key");
            case USABLE -> {
            }
        }
        IssueApiKey.Issued replacement = IssueApiKey.issue(keys, ids, random, before.tenantId(), before.label(),
                command.newKeyExpiresAt(), before.scopes(), now);
        ApiKey after = before.expiringNoLaterThan(now.plus(command.grace()));
        keys.save(after);
        lookup.forget(before.hash());
        lookup.forget(replacement.key().hash());
        audit.keyChanged(command.actor(), AuditEventType.API_KEY_ISSUED, Optional.empty(), replacement.key(),
                "api key " + replacement.key().prefix() + "… issued to replace " + before.prefix() + "…");
        audit.keyChanged(command.actor(), AuditEventType.API_KEY_ROTATED, Optional.of(before), after,
                "api key " + before.prefix() + "… rotated to " + replacement.key().prefix() + "… (key "
                        + replacement.key().id() + "); it works until " + after.expiresAt().orElseThrow());
        return new Result(replacement, ApiKeyView.of(after, now));
    }
}
