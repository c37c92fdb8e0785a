package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiSurface;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.KeyUsageRecorder;
import dev.gemgate.domain.tenant.Tenant;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a presented tenant key into a {@link Caller}, or refuses it: 401 for a missing or unknown key, 403 for a
 * revoked or expired key, a suspended or deleted tenant, or a key whose scopes do not allow this surface or this
 * client address (the model scope is checked later, when the request names its model). Every refusal is counted and
 * (sampled) audited by {@link AuthenticationFailures}; every acceptance is noted for the key's "last used" time by the
 * {@link KeyUsageRecorder} (in memory, written in batches). The lookup port may cache (a revocation then takes effect on every replica within
 * its TTL) and may answer 503 when the key store is unreachable.
 */
public final class AuthenticateApiKey {
    /**
     * Where an attempt comes from (the client's address as an IP literal, which an address scope is checked against),
     * which surface it asks for, and under which ids it is recorded.
     */
    public record Attempt(String source, ApiSurface surface, RequestId requestId, Optional<String> correlationId) {
        public Attempt {
            if (source == null || surface == null || requestId == null || correlationId == null) {
                throw new IllegalArgumentException("attempt fields are required");
            }
        }
    }

    private final KeyGrantLookup lookup;
    private final Clock clock;
    private final AuthenticationFailures failures;
    private final KeyUsageRecorder usage;

    public AuthenticateApiKey(KeyGrantLookup lookup, Clock clock, AuthenticationFailures failures,
                              KeyUsageRecorder usage) {
        this.lookup = lookup;
        this.clock = clock;
        this.failures = failures;
        this.usage = usage;
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
                    PermissionDeniedException.Reason.KEY_RETIRED, "API key " + key.prefix() + "… has been revoked."));
            case EXPIRED -> throw refuse(attempt, "expired", Optional.of(key), new PermissionDeniedException(
                    PermissionDeniedException.Reason.KEY_RETIRED, "API key " + key.prefix()
                    + "… expired at the end of its rotation grace period."));
            case USABLE -> {
            }
        }
        Tenant tenant = grant.tenant().orElseThrow(() -> refuse(attempt, "orphaned", Optional.of(key),
                new PermissionDeniedException("API key " + key.prefix() + "… belongs to no tenant.")));
        switch (tenant.status()) {
            case SUSPENDED -> throw refuse(attempt, "suspended", Optional.of(key), new PermissionDeniedException(
                    "Tenant " + tenant.name() + " is suspended: its API keys are refused until an administrator "
                            + "resumes it."));
            case DELETED -> throw refuse(attempt, "deleted", Optional.of(key), new PermissionDeniedException(
                    "API key " + key.prefix() + "… belongs to a deleted tenant."));
            case ACTIVE -> {
            }
        }
        KeyScopes scopes = key.scopes();
        if (!scopes.permitsSurface(attempt.surface())) {
            throw refuse(attempt, "scope-surface", Optional.of(key), new PermissionDeniedException(
                    "API key " + key.prefix() + "… may not use the " + attempt.surface() + " API; its scope allows "
                            + String.join(", ", scopes.surfaceTexts()) + "."));
        }
        if (!scopes.permitsAddress(attempt.source())) {
            throw refuse(attempt, "scope-address", Optional.of(key), new PermissionDeniedException(
                    "API key " + key.prefix() + "… may not be used from " + attempt.source()
                            + "; its scope allows other client addresses only."));
        }
        usage.used(key.id(), now);
        return new Caller(tenant.id(), key.id(), scopes);
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
