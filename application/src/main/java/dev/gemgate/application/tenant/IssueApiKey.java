package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/** Issues a new key for a tenant. The plain key is in the result only: it is stored as a hash and never shown again. */
public final class IssueApiKey {
    public record Command(TenantId tenant, String label) {
        public Command {
            if (tenant == null) {
                throw new InvalidRequestException("a tenant is required");
            }
            label = label == null ? "" : label.strip();
            if (label.length() > 120) {
                throw new InvalidRequestException("a key label has at most 120 characters");
            }
        }
    }

    public record Issued(ApiKey key, ApiKeySecret secret) {
    }

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final IdGenerator ids;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public IssueApiKey(TenantRepository tenants, ApiKeyRepository keys, IdGenerator ids, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.ids = ids;
        this.clock = clock;
    }

    public Issued execute(Command command) {
        tenants.findById(command.tenant())
                .orElseThrow(() -> new NotFoundException("tenant " + command.tenant() + " does not exist"));
        ApiKeySecret secret = ApiKeySecret.generate(random);
        ApiKey key = new ApiKey(new ApiKeyId(ids.newUuid()), command.tenant(), command.label(), secret.prefix(),
                secret.hash(), ApiKeyStatus.ACTIVE, clock.instant(), Optional.empty(), Optional.empty());
        keys.save(key);
        return new Issued(key, secret);
    }
}
