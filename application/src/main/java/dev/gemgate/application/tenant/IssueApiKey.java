package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Issues a new key for a live tenant (a suspended one too: its keys then work once it is resumed), with an optional
 * expiry (in the future) and scopes. The plain key is in the result only: it is stored as a hash and never shown
 * again. Audited as API_KEY_ISSUED (prefix, label, expiry and scopes; never the secret).
 */
public final class IssueApiKey {
    public record Command(TenantId tenant, String label, Optional<Instant> expiresAt, KeyScopes scopes,
                          AdminActor actor) {
        public Command {
            if (tenant == null || actor == null) {
                throw new InvalidRequestException("a tenant and an admin actor are required");
            }
            label = label == null ? "" : label.strip();
            if (label.length() > ApiKey.MAX_LABEL_LENGTH) {
                throw InvalidRequestException.forField("label", "a key label has at most " + ApiKey.MAX_LABEL_LENGTH
                        + " characters");
            }
            expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
            scopes = scopes == null ? KeyScopes.UNRESTRICTED : scopes;
        }

        /** An unscoped key without expiry, issued by Gemgate itself (the demo seeder, tests). */
        public Command(TenantId tenant, String label) {
            this(tenant, label, Optional.empty(), KeyScopes.UNRESTRICTED, AdminActor.system("issue-api-key"));
        }
    }

    /** {@code secret} is shown to its owner once; show {@link #view()} rather than {@code key} (which has the hash). */
    public record Issued(ApiKey key, ApiKeySecret secret) {
        public ApiKeyView view() {
            return ApiKeyView.of(key, key.createdAt());
        }
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyGrantLookup lookup;
    private final AdminAudit audit;
    private final IdGenerator ids;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public IssueApiKey(TenantRepository tenants, ApiKeyRepository keys, KeyGrantLookup lookup, AdminAudit audit,
                       IdGenerator ids, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.lookup = lookup;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    public Issued execute(Command command) {
        AdminLookups.liveTenant(tenants, command.tenant());
        Issued issued = issue(keys, ids, random, command.tenant(), command.label(), command.expiresAt(),
                command.scopes(), clock.instant());
        lookup.forget(issued.key().hash());
        audit.keyChanged(command.actor(), AuditEventType.API_KEY_ISSUED, Optional.empty(), issued.key(),
                "api key " + issued.key().prefix() + "… issued");
        return issued;
    }

    /** Generates, stores and returns a key (shared with {@link RotateApiKey}, which issues the replacement). */
    static Issued issue(ApiKeyRepository keys, IdGenerator ids, SecureRandom random, TenantId tenant, String label,
                        Optional<Instant> expiresAt, KeyScopes scopes, Instant now) {
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw InvalidRequestException.forField("expiresAt", expiresAt.get() + " is not in the future");
        }
        ApiKeySecret secret = ApiKeySecret.generate(random);
        ApiKey key = new ApiKey(new ApiKeyId(ids.newUuid()), tenant, label, secret.prefix(), secret.hash(),
                ApiKeyStatus.ACTIVE, now, expiresAt, Optional.empty(), Optional.empty(), scopes);
        keys.save(key);
        return new Issued(key, secret);
    }
}
