package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a presented tenant key into a {@link Caller}, or refuses it: 401 for a missing or unknown key, 403 for a
 * revoked or expired key or a suspended tenant. Every refusal is counted and (sampled) audited by
 * {@link AuthenticationFailures}. The lookup port may cache (a revocation then takes effect on every replica within
 * its TTL) and may answer 503 when the key store is unreachable.
 */
public final class AuthenticateApiKey {
    /** Where an attempt comes from and under which ids it is recorded. */
    public record Attempt(String source, RequestId requestId, Optional<String> correlationId) {
        public Attempt {
            if (source == null || requestId == null || correlationId == null) {
                throw new IllegalArgumentException("attempt fields are required");
            }
        }
    }

    private final KeyGrantLookup lookup;
    private final Clock clock;
    private final AuthenticationFailures failures;

    public AuthenticateApiKey(KeyGrantLookup lookup, Clock clock, AuthenticationFailures failures) {
        this.lookup = lookup;
        this.clock = clock;
        this.failures = failures;
    }

    /** Authenticates, looking the key up in the store if need be (blocking). */
    public Caller authenticate(Optional<String> presentedKey, Attempt attempt) {
        ApiKeySecret secret = wellFormed(presentedKey, attempt);
        return decide(lookup.findByHash(secret.hash()), attempt);
    }

    /**
     * Authenticates without blocking when the answer is remembered; empty when only {@link #authenticate} can tell.
     * Refusals it can decide (missing, malformed, remembered as unknown or denied) it throws as {@link #authenticate}
     * would.
     */
    public Optional<Caller> authenticateIfRemembered(Optional<String> presentedKey, Attempt attempt) {
        ApiKeySecret secret = wellFormed(presentedKey, attempt);
        return lookup.findRemembered(secret.hash()).map(remembered -> decide(remembered.grant(), attempt));
    }

    private ApiKeySecret wellFormed(Optional<String> presentedKey, Attempt attempt) {
        String presented = presentedKey.map(String::strip).filter(k -> !k.isEmpty()).orElse(null);
        if (presented == null) {
            throw refuse(attempt, "missing", Optional.empty(), new AuthenticationException(
                    "Method doesn't allow unregistered callers. Please use an API key issued by Gemgate "
                            + "(x-goog-api-key header, key query parameter or Authorization: Bearer)."));
        }
        ApiKeySecret secret = ApiKeySecret.presented(presented);
        if (!secret.hasGemgateShape()) {
            throw refuse(attempt, "malformed", Optional.empty(), invalidKey());
        }
        return secret;
    }

    private Caller decide(Optional<KeyGrant> found, Attempt attempt) {
        Instant now = clock.instant();
        KeyGrant grant = found.orElseThrow(() -> refuse(attempt, "unknown", Optional.empty(), invalidKey()));
        ApiKey key = grant.key();
        switch (key.usabilityAt(now)) {
            case REVOKED -> throw refuse(attempt, "revoked", Optional.of(key), new PermissionDeniedException(
                    "API key " + key.prefix() + "… has been revoked."));
            case EXPIRED -> throw refuse(attempt, "expired", Optional.of(key), new PermissionDeniedException(
                    "API key " + key.prefix() + "… expired at the end of its rotation grace period."));
            case USABLE -> {
            }
        }
        Tenant tenant = grant.tenant().orElseThrow(() -> refuse(attempt, "orphaned", Optional.of(key),
                new PermissionDeniedException("API key " + key.prefix() + "… belongs to no tenant.")));
        if (!tenant.isActive()) {
            throw refuse(attempt, "suspended", Optional.of(key),
                    new PermissionDeniedException("Tenant " + tenant.name() + " is suspended."));
        }
        return new Caller(tenant.id(), key.id());
    }

    private static AuthenticationException invalidKey() {
        return new AuthenticationException("API key not valid. Please pass a valid API key issued by Gemgate.");
    }

    private <E extends RuntimeException> E refuse(Attempt attempt, String reason, Optional<ApiKey> key, E failure) {
        failures.record(reason, attempt.source(), attempt.requestId(), attempt.correlationId(),
                key.map(ApiKey::tenantId), key.map(ApiKey::id), key.map(ApiKey::prefix));
        return failure;
    }
}
