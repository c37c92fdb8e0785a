package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import dev.gemgate.domain.tenant.TenantSearch;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresTenantRepositoryTest {
    @Inject
    PostgresTenantRepository tenants;

    @Test
    void a_saved_tenant_is_found_by_id_and_by_name() {
        Tenant acme = tenant("acme-" + UUID.randomUUID(), Instant.parse("2026-03-01T10:15:30.123456Z"));

        tenants.save(acme);

        assertThat(tenants.findById(acme.id())).contains(acme);
        assertThat(tenants.findByName(acme.name())).contains(acme);
        assertThat(tenants.findById(new TenantId(UUID.randomUUID()))).isEmpty();
        assertThat(tenants.findByName("nobody-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void saving_again_updates_the_tenant() {
        Tenant acme = tenant("update-" + UUID.randomUUID(), Instant.parse("2026-03-01T10:15:30Z"));
        tenants.save(acme);

        Tenant suspended = new Tenant(acme.id(), acme.name() + "-renamed", TenantStatus.SUSPENDED, acme.createdAt());
        tenants.save(suspended);

        assertThat(tenants.findById(acme.id())).contains(suspended);
        assertThat(tenants.findByName(acme.name())).isEmpty();
    }

    @Test
    void a_name_belongs_to_one_live_tenant_only_ignoring_case() {
        String name = "taken-" + UUID.randomUUID();
        Tenant first = tenant(name, Instant.parse("2026-03-01T10:15:30Z"));
        tenants.save(first);

        assertThatThrownBy(() -> tenants.save(tenant(name.toUpperCase(), Instant.parse("2026-03-02T10:15:30Z"))))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already exists");
        assertThat(tenants.findByName(name.toUpperCase())).contains(first);

        Tenant deleted = first.deletedAt(Instant.parse("2026-03-03T00:00:00Z"));
        tenants.save(deleted);
        assertThat(tenants.findByName(name)).isEmpty();
        Tenant successor = tenant(name, Instant.parse("2026-03-04T10:15:30Z"));
        tenants.save(successor);
        assertThat(tenants.findByName(name)).contains(successor);
        assertThat(tenants.findById(first.id())).contains(deleted);
    }

    @Test
    void two_creations_racing_for_one_name_give_one_tenant_and_one_conflict() throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = "race-" + UUID.randomUUID();
            CyclicBarrier start = new CyclicBarrier(2);
            List<Callable<Object>> attempts = List.of(saveAfter(start, tenant(name, Instant.parse("2026-03-01T00:00:00Z"))),
                    saveAfter(start, tenant(name.toUpperCase(), Instant.parse("2026-03-01T00:00:00Z"))));
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Object> outcomes = new ArrayList<>();
                for (Future<Object> f : pool.invokeAll(attempts)) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).filteredOn(o -> o.equals("saved")).hasSize(1);
                assertThat(outcomes).filteredOn(o -> o instanceof ConflictException).hasSize(1);
            }
            assertThat(tenants.findByName(name)).isPresent();
        }
    }

    private Callable<Object> saveAfter(CyclicBarrier start, Tenant tenant) {
        return () -> {
            start.await();
            try {
                tenants.save(tenant);
                return "saved";
            } catch (RuntimeException e) {
                return e;
            }
        };
    }

    @Test
    void profile_metadata_and_deletion_are_kept() {
        Tenant acme = tenant("profile-" + UUID.randomUUID(), Instant.parse("2026-03-01T10:15:30Z"));
        tenants.save(acme);
        Tenant described = acme.withProfile("ACME Corp", Optional.of("ops@acme.example"),
                Map.of("cost-centre", "42", "owner", "team-ml"));
        tenants.save(described);
        assertThat(tenants.findById(acme.id())).contains(described);

        Tenant fewer = described.withProfile("ACME", Optional.empty(), Map.of("owner", "team-ai"));
        tenants.save(fewer);
        assertThat(tenants.findById(acme.id())).contains(fewer);

        Tenant deleted = fewer.deletedAt(Instant.parse("2026-04-01T00:00:00.123456789Z"));
        tenants.save(deleted);
        assertThat(tenants.findById(acme.id()).orElseThrow().deletedAt())
                .contains(Instant.parse("2026-04-01T00:00:00.123456Z"));
    }

    @Test
    void instants_are_kept_to_the_microsecond() {
        Tenant precise = tenant("nanos-" + UUID.randomUUID(), Instant.parse("2026-03-01T10:15:30.123456789Z"));

        tenants.save(precise);

        assertThat(tenants.findById(precise.id()).orElseThrow().createdAt())
                .isEqualTo(Instant.parse("2026-03-01T10:15:30.123456Z"));
    }

    @Test
    void search_pages_oldest_first_by_name_ignoring_case_and_deleted_ones_on_request() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Tenant first = tenant("list-a-" + run, Instant.parse("1971-01-01T00:00:00Z"));
        Tenant second = tenant("LIST-b-" + run, Instant.parse("1971-01-02T00:00:00Z"));
        Tenant third = tenant("list-c-" + run, Instant.parse("1971-01-03T00:00:00Z"));
        Tenant gone = tenant("list-d-" + run, Instant.parse("1971-01-04T00:00:00Z"));
        tenants.save(third);
        tenants.save(first);
        tenants.save(second);
        tenants.save(gone.deletedAt(Instant.parse("1971-02-01T00:00:00Z")));

        TenantPage all = tenants.search(new TenantSearch(Optional.of(run.toUpperCase()), false, 0, 10));
        assertThat(all.tenants()).containsExactly(first, second, third);
        assertThat(all.total()).isEqualTo(3);
        TenantPage page = tenants.search(new TenantSearch(Optional.of(run), false, 1, 1));
        assertThat(page.tenants()).containsExactly(second);
        assertThat(page.total()).isEqualTo(3);
        assertThat(tenants.search(new TenantSearch(Optional.of(run), true, 0, 10)).tenants()).hasSize(4)
                .last().satisfies(t -> assertThat(t.isDeleted()).isTrue());
        assertThat(tenants.search(new TenantSearch(Optional.of("b-" + run), false, 0, 10)).tenants())
                .containsExactly(second);
        // LIKE's wildcards in a search are literal characters
        assertThat(tenants.search(new TenantSearch(Optional.of("%" + run), false, 0, 10)).total()).isZero();
        assertThat(tenants.search(new TenantSearch(Optional.of("list_a"), false, 0, 10)).tenants())
                .doesNotContain(first);
    }

    private static Tenant tenant(String name, Instant createdAt) {
        return new Tenant(new TenantId(UUID.randomUUID()), name, TenantStatus.ACTIVE, createdAt);
    }
}
