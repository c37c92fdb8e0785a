package dev.gemgate.application.tenant;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryKeyUsageRecorder;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.tenant.ApiSurface;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.RepositoryKeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticateApiKeyTest {
    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final List<String> failureReasons = new CopyOnWriteArrayList<>();
    private final RequestMetrics metrics = new RequestMetrics() {
        @Override
        public void record(AuditEvent event) {
        }

        @Override
        public void authenticationFailed(String reason) {
            failureReasons.add(reason);
        }
    };
    private final InMemoryAuditLog adminAudit = new InMemoryAuditLog();
    private final AdminAudit admin = new AdminAudit(adminAudit, ids, clock);
    private final RepositoryKeyGrantLookup lookup = new RepositoryKeyGrantLookup(keys, tenants);
    private final Tenant tenant = new CreateTenant(tenants, admin, ids, clock).execute(new CreateTenant.Command("acme"));
    private final IssueApiKey.Issued issued = new IssueApiKey(tenants, keys, lookup, admin, ids, clock)
            .execute(new IssueApiKey.Command(tenant.id(), "ci"));
    private final InMemoryKeyUsageRecorder usage = new InMemoryKeyUsageRecorder();
    private final AuthenticateApiKey auth = new AuthenticateApiKey(lookup, clock,
            new AuthenticationFailures(audit, metrics, ids, clock, Duration.ofMinutes(1)), usage);

    private static AuthenticateApiKey.Attempt from(String source) {
        return from(source, ApiSurface.GEMINI);
    }

    private static AuthenticateApiKey.Attempt from(String source, ApiSurface surface) {
        return new AuthenticateApiKey.Attempt(source, surface, new RequestId("req-00000001"), Optional.empty());
    }

    private Caller authenticate(String key) {
        return auth.authenticate(Optional.ofNullable(key), from("10.0.0.1"));
    }

    @Test
    void anIssuedKeyAuthenticatesItsTenantAndIsStoredOnlyAsAHash() {
        Caller caller = authenticate(issued.secret().reveal());
        assertThat(caller.tenant()).isEqualTo(tenant.id());
        assertThat(caller.apiKey()).isEqualTo(issued.key().id());
        assertThat(keys.findByTenant(tenant.id())).singleElement().satisfies(k -> {
            assertThat(k.hash()).isEqualTo(issued.secret().hash()).doesNotContain(issued.secret().reveal());
            assertThat(issued.secret().reveal()).startsWith(k.prefix());
        });
        assertThat(failureReasons).isEmpty();
        assertThat(audit.all()).isEmpty();
        assertThat(caller.scopes().isUnrestricted()).isTrue();
    }

    @Test
    void anAcceptedKeyIsNotedAsUsedAndARefusedOneIsNot() {
        authenticate(issued.secret().reveal());
        assertThat(usage.lastUsed(issued.key().id())).contains(clock.instant());
        clock.advance(Duration.ofMinutes(3));
        authenticate(issued.secret().reveal());
        assertThat(usage.lastUsed(issued.key().id())).contains(clock.instant());

        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        keys.save(issued.key().revokedAt(clock.instant()));
        assertThatThrownBy(() -> authenticate(issued.secret().reveal())).isInstanceOf(PermissionDeniedException.class);
        assertThat(usage.lastUsed(issued.key().id())).contains(before);
    }

    @Test
    void aKeyScopedToSurfacesIsRefusedOnTheOthersNamingTheSurface() {
        keys.save(issued.key().withScopes(KeyScopes.parse(List.of(), List.of("GEMINI", "EMBEDDINGS"), List.of())));
        assertThat(auth.authenticate(Optional.of(issued.secret().reveal()), from("10.0.0.1", ApiSurface.EMBEDDINGS))
                .scopes().surfaces()).contains(ApiSurface.EMBEDDINGS);
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal()),
                from("10.0.0.1", ApiSurface.OPENAI)))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("may not use the OPENAI API").hasMessageContaining("GEMINI, EMBEDDINGS");
        assertThat(failureReasons).containsExactly("scope-surface");
        assertThat(usage.lastUsed(issued.key().id())).contains(clock.instant());
    }

    @Test
    void aKeyScopedToAddressesIsRefusedFromOthers() {
        keys.save(issued.key().withScopes(KeyScopes.parse(List.of(), List.of(), List.of("10.0.0.0/24",
                "2001:db8::/32"))));
        assertThat(authenticate(issued.secret().reveal()).tenant()).isEqualTo(tenant.id());
        assertThat(auth.authenticate(Optional.of(issued.secret().reveal()), from("2001:db8::7")).tenant())
                .isEqualTo(tenant.id());
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal()), from("10.0.1.1")))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may not be used from 10.0.1.1");
        assertThatThrownBy(() -> auth.authenticate(Optional.of(issued.secret().reveal()), from("unknown")))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(failureReasons).containsExactly("scope-address", "scope-address");
        assertThat(audit.all()).hasSize(2).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED);
            assertThat(e.detail()).contains("scope-address");
        });
    }

    @Test
    void aDeletedTenantsKeysAreRefusedForGood() {
        tenants.save(tenant.deletedAt(clock.instant()));
        assertThatThrownBy(() -> authenticate(issued.secret().reveal()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("deleted tenant");
        assertThat(failureReasons).containsExactly("deleted");
    }

    @Test
    void missingMalformedAndUnknownKeysAreUnauthenticated() {
        assertThatThrownBy(() -> authenticate(null)).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> authenticate("AIzaSyGoogleKey"))
                .isInstanceOf(AuthenticationException.class).hasMessageNotContaining("AIzaSyGoogleKey");
        assertThatThrownBy(() -> authenticate("gmg_" + "x".repeat(40))).isInstanceOf(AuthenticationException.class);
        assertThat(keys.lookups()).isEqualTo(1); // the malformed ones never reach the store
        assertThat(failureReasons).containsExactly("missing", "malformed", "unknown");
    }

    @Test
    void revokedExpiredAndSuspendedAreDenied() {
        keys.save(issued.key().expiringAt(clock.instant().plusSeconds(30)));
        assertThat(authenticate(issued.secret().reveal()).tenant()).isEqualTo(tenant.id());
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> authenticate(issued.secret().reveal()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("grace period");

        keys.save(issued.key().revokedAt(clock.instant()));
        assertThatThrownBy(() -> authenticate(issued.secret().reveal()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("revoked");

        keys.save(issued.key());
        tenants.save(new Tenant(tenant.id(), tenant.name(), TenantStatus.SUSPENDED, tenant.createdAt()));
        assertThatThrownBy(() -> authenticate(issued.secret().reveal()))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("Tenant acme is suspended").hasMessageContaining("until an administrator resumes");
        assertThat(failureReasons).containsExactly("expired", "revoked", "suspended");
    }

    @Test
    void aBruteForceIsCountedInFullButAuditedOncePerSourceAndWindow() {
        for (int i = 0; i < 500; i++) {
            String guess = "gmg_" + String.format("%040d", i);
            assertThatThrownBy(() -> authenticate(guess)).isInstanceOf(AuthenticationException.class);
        }
        assertThatThrownBy(() -> auth.authenticate(Optional.of("gmg_" + "y".repeat(40)), from("10.0.0.2")))
                .isInstanceOf(AuthenticationException.class);

        assertThat(failureReasons).hasSize(501);
        assertThat(audit.all()).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.AUTHENTICATION_FAILED);
            assertThat(e.outcome()).isEqualTo(Outcome.UNAUTHENTICATED);
            assertThat(e.detail()).contains("unknown").doesNotContain("gmg_0000");
        });
        assertThat(audit.all()).extracting(AuditEvent::actor).containsExactlyInAnyOrder("client:10.0.0.1",
                "client:10.0.0.2");

        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> authenticate("gmg_" + "z".repeat(40))).isInstanceOf(AuthenticationException.class);
        assertThat(audit.all()).hasSize(3);
    }

    @Test
    void aDeniedKnownKeyIsAuditedWithItsTenantAndPrefixButNeverItsSecret() {
        keys.save(issued.key().revokedAt(clock.instant()));
        assertThatThrownBy(() -> authenticate(issued.secret().reveal())).isInstanceOf(PermissionDeniedException.class);

        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.tenant()).contains(tenant.id());
            assertThat(e.apiKey()).contains(issued.key().id());
            assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED);
            assertThat(e.detail()).contains(issued.key().prefix()).doesNotContain(issued.secret().reveal());
        });
    }
}
