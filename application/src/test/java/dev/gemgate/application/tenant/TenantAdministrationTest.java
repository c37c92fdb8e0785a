package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.admin.RecordAdminDenial;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import dev.gemgate.domain.tenant.TenantStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantAdministrationTest {
    static final AdminActor ALICE = new AdminActor("sub-alice", "Alice Admin", "192.0.2.10",
            Optional.of(new RequestId("admin-req-1")));

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final List<String> forgotten = new CopyOnWriteArrayList<>();
    private final KeyGrantLookup lookup = new KeyGrantLookup() {
        @Override
        public Optional<KeyGrant> findByHash(String hash) {
            return Optional.empty();
        }

        @Override
        public void forget(String hash) {
            forgotten.add(hash);
        }
    };

    private final CreateTenant create = new CreateTenant(tenants, adminAudit, ids, clock);
    private final ListTenants list = new ListTenants(tenants);
    private final GetTenant get = new GetTenant(tenants);
    private final UpdateTenant update = new UpdateTenant(tenants, adminAudit);
    private final SuspendTenant suspend = new SuspendTenant(tenants, keys, lookup, adminAudit);
    private final ResumeTenant resume = new ResumeTenant(tenants, keys, lookup, adminAudit);
    private final DeleteTenant delete = new DeleteTenant(tenants, keys, lookup, adminAudit, clock);
    private final IssueApiKey issue = new IssueApiKey(tenants, keys, lookup, adminAudit, ids, clock);

    private Tenant create(String name) {
        return create.execute(new CreateTenant.Command(name, Optional.empty(), Optional.empty(), Map.of(), ALICE));
    }

    private List<AuditEvent> events(AuditEventType type) {
        return audit.all().stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void aCreatedTenantIsAuditedWithItsActorSourceAndState() {
        Tenant acme = create.execute(new CreateTenant.Command(" acme ", Optional.of("ACME Corp"),
                Optional.of("ops@acme.example"), Map.of("cost-centre", "42"), ALICE));

        assertThat(acme.name()).isEqualTo("acme");
        assertThat(acme.displayName()).isEqualTo("ACME Corp");
        assertThat(get.execute(new GetTenant.Query(acme.id()))).isEqualTo(acme);
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.TENANT_CREATED);
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.actor()).isEqualTo("sub-alice");
            assertThat(e.requestId().value()).isEqualTo("admin-req-1");
            assertThat(e.tenant()).contains(acme.id());
            assertThat(e.occurredAt()).isEqualTo(clock.instant());
            assertThat(e.admin()).hasValueSatisfying(a -> {
                assertThat(a.actorName()).isEqualTo("Alice Admin");
                assertThat(a.sourceAddress()).isEqualTo("192.0.2.10");
                assertThat(a.target()).isEqualTo("tenant:" + acme.id());
                assertThat(a.before()).isEmpty();
                assertThat(a.after()).hasValueSatisfying(json -> assertThat(json)
                        .contains("\"name\":\"acme\"", "\"displayName\":\"ACME Corp\"",
                                "\"metadata\":{\"cost-centre\":\"42\"}", "\"status\":\"ACTIVE\"",
                                "\"deletedAt\":null"));
            });
        });
    }

    @Test
    void aDuplicateNameIsAConflictIgnoringCase() {
        create("acme");
        assertThatThrownBy(() -> create("ACME")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("already exists");
        assertThat(events(AuditEventType.TENANT_CREATED)).hasSize(1);
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertThatThrownBy(() -> create(" ")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("name:");
        assertThatThrownBy(() -> create.execute(new CreateTenant.Command("ok", Optional.empty(), Optional.empty(),
                Map.of("no spaces", "x"), ALICE))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("metadata key 'no spaces'");
        assertThatThrownBy(() -> list.execute(new ListTenants.Query(Optional.empty(), false, 0, 0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("limit:");
        assertThat(audit.all()).isEmpty();
    }

    @Test
    void tenantsArePagedOldestFirstAndSearchedByName() {
        for (String name : List.of("alpha", "beta", "alphabet", "gamma")) {
            create(name);
            clock.advance(Duration.ofSeconds(1));
        }
        TenantPage first = list.execute(new ListTenants.Query(Optional.empty(), false, 0, 3));
        assertThat(first.tenants()).extracting(Tenant::name).containsExactly("alpha", "beta", "alphabet");
        assertThat(first.total()).isEqualTo(4);
        assertThat(list.execute(new ListTenants.Query(Optional.empty(), false, 3, 3)).tenants())
                .extracting(Tenant::name).containsExactly("gamma");
        TenantPage search = list.execute(new ListTenants.Query(Optional.of("ALPHA"), false, 0, 10));
        assertThat(search.tenants()).extracting(Tenant::name).containsExactly("alpha", "alphabet");
        assertThat(search.total()).isEqualTo(2);
    }

    @Test
    void anUpdateReplacesTheProfileAndRecordsBeforeAndAfterWithSecretsMasked() {
        Tenant acme = create("acme");
        Tenant updated = update.execute(new UpdateTenant.Command(acme.id(), "ACME Corp", Optional.of("ops@acme"),
                Map.of("note", "token gmg_abcdefghijklmnopqrstuvwxyz0123456789ABCD"), ALICE));

        assertThat(updated.displayName()).isEqualTo("ACME Corp");
        assertThat(get.execute(new GetTenant.Query(acme.id()))).isEqualTo(updated);
        assertThat(events(AuditEventType.TENANT_UPDATED)).singleElement().satisfies(e -> {
            assertThat(e.admin().orElseThrow().before()).hasValueSatisfying(json ->
                    assertThat(json).contains("\"displayName\":\"acme\"", "\"contact\":null"));
            assertThat(e.admin().orElseThrow().after()).hasValueSatisfying(json ->
                    assertThat(json).contains("\"displayName\":\"ACME Corp\"", "[REDACTED]")
                            .doesNotContain("gmg_abcdefgh"));
        });

        update.execute(new UpdateTenant.Command(acme.id(), "ACME Corp", Optional.of("ops@acme"),
                updated.metadata(), ALICE));
        assertThat(events(AuditEventType.TENANT_UPDATED)).as("nothing changed, nothing recorded").hasSize(1);
        assertThatThrownBy(() -> update.execute(new UpdateTenant.Command(acme.id(), " ", Optional.empty(), Map.of(),
                ALICE))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("display name");
    }

    @Test
    void suspendAndResumeAreIdempotentAndMakeCachedKeysStale() {
        Tenant acme = create("acme");
        IssueApiKey.Issued key = issue.execute(new IssueApiKey.Command(acme.id(), "ci", Optional.empty(), null,
                ALICE));
        forgotten.clear();

        SuspendTenant.Result suspended = suspend.execute(new SuspendTenant.Command(acme.id(), ALICE));
        assertThat(suspended.changed()).isTrue();
        assertThat(suspended.tenant().status()).isEqualTo(TenantStatus.SUSPENDED);
        assertThat(forgotten).containsExactly(key.key().hash());
        assertThat(suspend.execute(new SuspendTenant.Command(acme.id(), ALICE)).changed()).isFalse();

        assertThat(resume.execute(new ResumeTenant.Command(acme.id(), ALICE)).tenant().isActive()).isTrue();
        assertThat(resume.execute(new ResumeTenant.Command(acme.id(), ALICE)).changed()).isFalse();
        assertThat(events(AuditEventType.TENANT_SUSPENDED)).singleElement().satisfies(e -> assertThat(
                e.admin().orElseThrow().after().orElseThrow()).contains("\"status\":\"SUSPENDED\""));
        assertThat(events(AuditEventType.TENANT_RESUMED)).hasSize(1);
    }

    @Test
    void aDeletedTenantIsGoneForTheAdminApiButKeptAndItsNameIsFree() {
        Tenant acme = create("acme");
        Tenant deleted = delete.execute(new DeleteTenant.Command(acme.id(), ALICE));

        assertThat(deleted.deletedAt()).contains(clock.instant());
        assertThat(tenants.findById(acme.id())).contains(deleted);
        assertThatThrownBy(() -> get.execute(new GetTenant.Query(acme.id()))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> delete.execute(new DeleteTenant.Command(acme.id(), ALICE)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> suspend.execute(new SuspendTenant.Command(acme.id(), ALICE)))
                .isInstanceOf(NotFoundException.class);
        assertThat(list.execute(new ListTenants.Query(Optional.empty(), false, 0, 10)).tenants()).isEmpty();
        assertThat(list.execute(new ListTenants.Query(Optional.empty(), true, 0, 10)).tenants()).containsExactly(deleted);

        Tenant again = create("acme");
        assertThat(again.id()).isNotEqualTo(acme.id());
        assertThat(events(AuditEventType.TENANT_DELETED)).singleElement().satisfies(e -> assertThat(
                e.admin().orElseThrow().after().orElseThrow()).contains("\"status\":\"DELETED\""));
    }

    @Test
    void anUnknownTenantIsNotFound() {
        TenantId nobody = new TenantId(UUID.randomUUID());
        assertThatThrownBy(() -> get.execute(new GetTenant.Query(nobody))).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(nobody.toString());
        assertThatThrownBy(() -> update.execute(new UpdateTenant.Command(nobody, "x", Optional.empty(), Map.of(),
                ALICE))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aRefusedAdminRequestIsRecordedForTheWebLayer() {
        RecordAdminDenial denial = new RecordAdminDenial(adminAudit);
        denial.execute(new RecordAdminDenial.Command(new AdminActor("sub-victor", "Victor Viewer", "198.51.100.4"),
                "POST /admin/api/v1/tenants", true, "role gemgate-admin required"));
        denial.execute(new RecordAdminDenial.Command(new AdminActor("anonymous", null, "198.51.100.5"),
                "GET /admin/api/v1/tenants", false, "no bearer token"));

        assertThat(events(AuditEventType.ADMIN_ACCESS_DENIED)).hasSize(2).satisfiesExactly(
                e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED);
                    assertThat(e.actor()).isEqualTo("sub-victor");
                    assertThat(e.admin().orElseThrow().target()).isEqualTo("POST /admin/api/v1/tenants");
                    assertThat(e.detail()).isEqualTo("role gemgate-admin required");
                },
                e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.UNAUTHENTICATED);
                    assertThat(e.admin().orElseThrow().actorName()).isEqualTo("anonymous");
                    assertThat(e.admin().orElseThrow().sourceAddress()).isEqualTo("198.51.100.5");
                });
    }
}
