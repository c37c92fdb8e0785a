package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a presented tenant key into a {@link Caller}, or refuses it: 401 for a missing or unknown key, 403 for a
 * revoked or expired key or a suspended tenant. Lookups are remembered for {@code cacheTtl} (by hash, never by
 * secret) to keep the database off the hot path; a revocation therefore takes effect on every replica within that
 * time. A zero TTL disables the memory.
 */
public final class AuthenticateApiKey {
    private record Known(Optional<ApiKey> key, Optional<Tenant> tenant, Instant lookedUpAt) {
    }

    private static final int MAX_REMEMBERED = 100_000;

    private final ApiKeyRepository keys;
    private final TenantRepository tenants;
    private final Clock clock;
    private final Duration cacheTtl;
    private final ConcurrentHashMap<String, Known> remembered = new ConcurrentHashMap<>();

    public AuthenticateApiKey(ApiKeyRepository keys, TenantRepository tenants, Clock clock, Duration cacheTtl) {
        this.keys = keys;
        this.tenants = tenants;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
    }

    public Caller authenticate(Optional<String> presentedKey) {
        String presented = presentedKey.filter(k -> !k.isBlank())
                .orElseThrow(() -> new AuthenticationException(
                        "Method doesn't allow unregistered callers. Please use an API key issued by Gemgate "
                                + "(x-goog-api-key header, key query parameter or Authorization: Bearer)."));
        ApiKeySecret secret = ApiKeySecret.presented(presented.strip());
        if (!secret.hasGemgateShape()) {
            throw new AuthenticationException("API key not valid. Please pass a valid API key issued by Gemgate.");
        }
        Instant now = clock.instant();
        Known known = lookUp(secret.hash(), now);
        ApiKey key = known.key().orElseThrow(
                () -> new AuthenticationException("API key not valid. Please pass a valid API key issued by Gemgate."));
        switch (key.usabilityAt(now)) {
            case REVOKED -> throw new PermissionDeniedException("API key " + key.prefix() + "… has been revoked.");
            case EXPIRED -> throw new PermissionDeniedException(
                    "API key " + key.prefix() + "… expired at the end of its rotation grace period.");
            case USABLE -> {
            }
        }
        Tenant tenant = known.tenant().orElseThrow(
                () -> new PermissionDeniedException("API key " + key.prefix() + "… belongs to no tenant."));
        if (!tenant.isActive()) {
            throw new PermissionDeniedException("Tenant " + tenant.name() + " is suspended.");
        }
        return new Caller(tenant.id(), key.id());
    }

    private Known lookUp(String hash, Instant now) {
        Known cached = remembered.get(hash);
        if (cached != null && now.isBefore(cached.lookedUpAt().plus(cacheTtl))) {
            return cached;
        }
        Optional<ApiKey> key = keys.findByHash(hash);
        Known fresh = new Known(key, key.flatMap(k -> tenants.findById(k.tenantId())), now);
        if (!cacheTtl.isZero()) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(hash, fresh);
        }
        return fresh;
    }
}
