package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryKeyUsageRecorder;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiSurface;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.RepositoryKeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.gemgate.application.tenant.TenantAdministrationTest.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyAdministrationTest {
    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final RepositoryKeyGrantLookup lookup = new RepositoryKeyGrantLookup(keys, tenants);
    private final RequestMetrics metrics = new RequestMetrics() {
        @Override
        public void record(AuditEvent event) {
        }

        @Override
        public void authenticationFailed(String reason) {
        }
    };
    private final AuthenticateApiKey auth = new AuthenticateApiKey(lookup, clock,
            new AuthenticationFailures(new InMemoryAuditLog(), metrics, ids, clock, Duration.ofMinutes(1)),
            new InMemoryKeyUsageRecorder());

    private final IssueApiKey issue = new IssueApiKey(tenants, keys, lookup, adminAudit, ids, clock);
    private final ListApiKeys list = new ListApiKeys(tenants, keys, clock);
    private final GetApiKey get = new GetApiKey(tenants, keys, clock);
    private final RotateApiKey rotate = new RotateApiKey(tenants, keys, lookup, adminAudit, ids, clock);
    private final RevokeApiKey revoke = new RevokeApiKey(tenants, keys, lookup, adminAudit, clock);
    private final ChangeApiKeyScopes changeScopes = new ChangeApiKeyScopes(tenants, keys, lookup, adminAudit, clock);
    private final Tenant acme = new CreateTenant(tenants, adminAudit, ids, clock).execute(new CreateTenant.Command(
            "acme", Optional.empty(), Optional.empty(), Map.of(), ALICE));

    private Caller use(IssueApiKey.Issued key) {
        return use(key.secret().reveal());
    }

    private Caller use(String secret) {
        return auth.authenticate(Optional.of(secret), new AuthenticateApiKey.Attempt("10.0.0.1", ApiSurface.GEMINI,
                new RequestId("req-1"), Optional.empty()));
    }

    private IssueApiKey.Issued issue(String label) {
        return issue.execute(new IssueApiKey.Command(acme.id(), label, Optional.empty(), KeyScopes.UNRESTRICTED,
                ALICE));
    }

    private List<AuditEvent> events(AuditEventType type) {
        return audit.all().stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void anIssuedKeyIsAuditedWithoutItsSecretOrHash() {
        IssueApiKey.Issued issued = issue.execute(new IssueApiKey.Command(acme.id(), "ci",
                Optional.of(clock.instant().plus(Duration.ofDays(90))),
                ChangeApiKeyScopes.scopes(List.of("gemini-3.*"), List.of("GEMINI"), List.of()), ALICE));

        assertThat(use(issued).scopes().modelTexts()).containsExactly("gemini-3.*");
        assertThat(events(AuditEventType.API_KEY_ISSUED)).singleElement().satisfies(e -> {
            assertThat(e.apiKey()).contains(issued.key().id());
            assertThat(e.tenant()).contains(acme.id());
            String after = e.admin().orElseThrow().after().orElseThrow();
            assertThat(after).contains(issued.key().prefix(), "\"models\":[\"gemini-3.*\"]", "2027-02-23T10:00:00Z")
                    .doesNotContain(issued.secret().reveal()).doesNotContain(issued.key().hash());
            assertThat(e.detail()).doesNotContain(issued.secret().reveal());
        });
    }

    @Test
    void anExpiryInThePastOrBadScopesAreRefused() {
        assertThatThrownBy(() -> issue.execute(new IssueApiKey.Command(acme.id(), "ci", Optional.of(clock.instant()),
                KeyScopes.UNRESTRICTED, ALICE))).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("expiresAt:");
        assertThatThrownBy(() -> ChangeApiKeyScopes.scopes(List.of("gemini-3.*"), List.of("TELEX"),
                List.of("10.0.0.1/8"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("surfaces: 'TELEX'").hasMessageContaining("did you mean 10.0.0.0/8");
        assertThat(keys.findByTenant(acme.id())).isEmpty();
    }

    @Test
    void anIssuedExpiryEndsTheKey() {
        IssueApiKey.Issued issued = issue.execute(new IssueApiKey.Command(acme.id(), "temp",
                Optional.of(clock.instant().plusSeconds(60)), KeyScopes.UNRESTRICTED, ALICE));
        use(issued);
        clock.advance(Duration.ofSeconds(60));
        assertThatThrownBy(() -> use(issued)).isInstanceOf(PermissionDeniedException.class);
        assertThat(get.execute(new GetApiKey.Query(acme.id(), issued.key().id())).status())
                .isEqualTo(ApiKeyView.Status.EXPIRED);
    }

    @Test
    void keysAreListedWithStatusAndNeverTheirHash() {
        IssueApiKey.Issued first = issue("first");
        clock.advance(Duration.ofSeconds(1));
        IssueApiKey.Issued second = issue("second");
        revoke.execute(new RevokeApiKey.Command(acme.id(), second.key().id(), ALICE));

        List<ApiKeyView> views = list.execute(new ListApiKeys.Query(acme.id()));
        assertThat(views).extracting(ApiKeyView::label).containsExactly("first", "second");
        assertThat(views).extracting(ApiKeyView::status)
                .containsExactly(ApiKeyView.Status.ACTIVE, ApiKeyView.Status.REVOKED);
        assertThat(views.get(0).prefix()).isEqualTo(first.key().prefix());
        assertThat(ApiKeyView.class.getRecordComponents()).extracting(c -> c.getName())
                .doesNotContain("hash", "secret");
    }

    @Test
    void aRotationGivesANewKeyAtOnceAndKeepsTheOldOneForTheGracePeriod() {
        IssueApiKey.Issued old = issue.execute(new IssueApiKey.Command(acme.id(), "prod",
                Optional.empty(), ChangeApiKeyScopes.scopes(List.of("gemini-2.5-flash"), List.of(), List.of()),
                ALICE));

        RotateApiKey.Result rotated = rotate.execute(new RotateApiKey.Command(acme.id(), old.key().id(),
                Duration.ofHours(1), Optional.empty(), ALICE));
        IssueApiKey.Issued replacement = rotated.replacement();

        assertThat(replacement.key().label()).isEqualTo("prod");
        assertThat(replacement.key().scopes()).isEqualTo(old.key().scopes());
        assertThat(use(replacement).apiKey()).isEqualTo(replacement.key().id());
        assertThat(rotated.previous().expiresAt()).contains(clock.instant().plus(Duration.ofHours(1)));

        clock.advance(Duration.ofMinutes(59));
        assertThat(use(old).apiKey()).isEqualTo(old.key().id());
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> use(old)).isInstanceOf(PermissionDeniedException.class);
        assertThat(use(replacement).apiKey()).isEqualTo(replacement.key().id());

        assertThat(events(AuditEventType.API_KEY_ROTATED)).singleElement().satisfies(e -> {
            assertThat(e.apiKey()).contains(old.key().id());
            assertThat(e.admin().orElseThrow().before().orElseThrow()).contains("\"expiresAt\":null");
            assertThat(e.admin().orElseThrow().after().orElseThrow()).contains("\"expiresAt\":\"2026-11-25T11:00:00Z\"");
            assertThat(e.detail()).contains(replacement.key().prefix()).doesNotContain(replacement.secret().reveal());
        });
        assertThat(events(AuditEventType.API_KEY_ISSUED)).extracting(e -> e.apiKey().orElseThrow())
                .containsExactly(old.key().id(), replacement.key().id());
    }

    @Test
    void aRotationNeverExtendsAKeyAndRefusesRevokedOnes() {
        IssueApiKey.Issued soon = issue.execute(new IssueApiKey.Command(acme.id(), "soon",
                Optional.of(clock.instant().plusSeconds(30)), KeyScopes.UNRESTRICTED, ALICE));
        assertThat(rotate.execute(new RotateApiKey.Command(acme.id(), soon.key().id(), Duration.ofDays(1),
                Optional.empty(), ALICE)).previous().expiresAt()).contains(clock.instant().plusSeconds(30));

        IssueApiKey.Issued revoked = issue("revoked");
        revoke.execute(new RevokeApiKey.Command(acme.id(), revoked.key().id(), ALICE));
        assertThatThrownBy(() -> rotate.execute(new RotateApiKey.Command(acme.id(), revoked.key().id(),
                Duration.ofHours(1), Optional.empty(), ALICE))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("revoked");
        assertThatThrownBy(() -> new RotateApiKey.Command(acme.id(), revoked.key().id(), Duration.ofDays(31),
                Optional.empty(), ALICE)).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("grace:");
    }

    @Test
    void aRevocationIsImmediateAndIdempotent() {
        IssueApiKey.Issued key = issue("ci");
        use(key);
        ApiKeyView revoked = revoke.execute(new RevokeApiKey.Command(acme.id(), key.key().id(), ALICE));
        assertThat(revoked.status()).isEqualTo(ApiKeyView.Status.REVOKED);
        assertThat(revoked.revokedAt()).contains(clock.instant());
        assertThatThrownBy(() -> use(key)).isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("revoked");

        clock.advance(Duration.ofMinutes(1));
        assertThat(revoke.execute(new RevokeApiKey.Command(acme.id(), key.key().id(), ALICE)).revokedAt())
                .contains(revoked.revokedAt().orElseThrow());
        assertThat(events(AuditEventType.API_KEY_REVOKED)).hasSize(1);
    }

    @Test
    void scopesChangeIsAuditedAndEffective() {
        IssueApiKey.Issued key = issue("ci");
        ApiKeyView view = changeScopes.execute(new ChangeApiKeyScopes.Command(acme.id(), key.key().id(),
                ChangeApiKeyScopes.scopes(List.of(), List.of("OPENAI"), List.of()), ALICE));
        assertThat(view.scopes().surfaceTexts()).containsExactly("OPENAI");
        assertThatThrownBy(() -> use(key)).isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("GEMINI");
        assertThat(events(AuditEventType.API_KEY_SCOPES_CHANGED)).singleElement().satisfies(e -> {
            assertThat(e.admin().orElseThrow().before().orElseThrow()).contains("\"surfaces\":[]");
            assertThat(e.admin().orElseThrow().after().orElseThrow()).contains("\"surfaces\":[\"OPENAI\"]");
        });

        revoke.execute(new RevokeApiKey.Command(acme.id(), key.key().id(), ALICE));
        assertThatThrownBy(() -> changeScopes.execute(new ChangeApiKeyScopes.Command(acme.id(), key.key().id(),
                KeyScopes.UNRESTRICTED, ALICE))).isInstanceOf(ConflictException.class);
    }

    @Test
    void aKeyOfAnotherTenantOrAnUnknownOneIsNotFound() {
        Tenant other = new CreateTenant(tenants, adminAudit, ids, clock).execute(new CreateTenant.Command("other"));
        IssueApiKey.Issued key = issue("ci");
        assertThatThrownBy(() -> revoke.execute(new RevokeApiKey.Command(other.id(), key.key().id(), ALICE)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> get.execute(new GetApiKey.Query(acme.id(), new ApiKeyId(UUID.randomUUID()))))
                .isInstanceOf(NotFoundException.class);
        assertThat(use(key).apiKey()).isEqualTo(key.key().id());
    }

    @Test
    void keysOfADeletedTenantCannotBeIssuedOrListed() {
        new DeleteTenant(tenants, keys, lookup, adminAudit, clock).execute(new DeleteTenant.Command(acme.id(), ALICE));
        assertThatThrownBy(() -> issue("ci")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> list.execute(new ListApiKeys.Query(acme.id()))).isInstanceOf(NotFoundException.class);
    }
}
