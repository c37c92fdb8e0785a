package dev.gemgate.application.tenant;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticateApiKeyTest {
    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final Tenant tenant = new CreateTenant(tenants, ids, clock).execute(new CreateTenant.Command("acme"));
    private final IssueApiKey.Issued issued =
            new IssueApiKey(tenants, keys, ids, clock).execute(new IssueApiKey.Command(tenant.id(), "ci"));

    private AuthenticateApiKey authenticate(Duration ttl) {
        return new AuthenticateApiKey(keys, tenants, clock, ttl);
    }

    @Test
    void anIssuedKeyAuthenticatesItsTenantAndIsStoredOnlyAsAHash() {
        Caller caller = authenticate(Duration.ZERO).authenticate(Optional.of(issued.secret().reveal()));
        assertThat(caller.tenant()).isEqualTo(tenant.id());
        assertThat(caller.apiKey()).isEqualTo(issued.key().id());
        assertThat(keys.findByTenant(tenant.id())).singleElement().satisfies(k -> {
            assertThat(k.hash()).isEqualTo(issued.secret().hash()).doesNotContain(issued.secret().reveal());
            assertThat(issued.secret().reveal()).startsWith(k.prefix());
        });
    }

    @Test
    void missingMalformedAndUnknownKeysAreUnauthenticated() {
        AuthenticateApiKey auth = authenticate(Duration.ZERO);
        assertThatThrownBy(() -> auth.authenticate(Optional.empty())).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> auth.authenticate(Optional.of("AIzaSyGoogleKey")))
                .isInstanceOf(AuthenticationException.class).hasMessageNotContaining("AIzaSyGoogleKey");
        assertThatThrownBy(() -> auth.authenticate(Optional.of("gmg_" + "x".repeat(40))))
                .isInstanceOf(AuthenticationException.class);
        assertThat(keys.lookups()).isEqualTo(1); // the malformed ones never reach the store
    }

    @Test
    void revokedExpiredAndSuspendedAreDenied() {
        AuthenticateApiKey auth = authenticate(Duration.ZERO);
        keys.save(issued.key().expiringAt(clock.instant().plusSeconds(30)));
        assertThat(auth.authenticate(Optional.of(issued.secret().reveal())).tenant()).isEqualTo(tenant.id());
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("grace period");

        keys.save(issued.key().revokedAt(clock.instant()));
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("revoked");

        keys.save(issued.key());
        tenants.save(new Tenant(tenant.id(), tenant.name(), TenantStatus.SUSPENDED, tenant.createdAt()));
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("suspended");
    }

    @Test
    void lookupsAreRememberedForTheTtlOnly() {
        AuthenticateApiKey auth = authenticate(Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            auth.authenticate(Optional.of(issued.secret().reveal()));
        }
        assertThat(keys.lookups()).isEqualTo(1);

        keys.save(issued.key().revokedAt(clock.instant()));
        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal())))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(keys.lookups()).isEqualTo(2);
    }
}
