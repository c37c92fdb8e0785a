package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

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
    void a_name_belongs_to_one_tenant_only() {
        String name = "taken-" + UUID.randomUUID();
        tenants.save(tenant(name, Instant.parse("2026-03-01T10:15:30Z")));

        assertThatThrownBy(() -> tenants.save(tenant(name, Instant.parse("2026-03-02T10:15:30Z"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("already exists");
        assertThat(tenants.findByName(name)).isPresent();
    }

    @Test
    void instants_are_kept_to_the_microsecond() {
        Tenant precise = tenant("nanos-" + UUID.randomUUID(), Instant.parse("2026-03-01T10:15:30.123456789Z"));

        tenants.save(precise);

        assertThat(tenants.findById(precise.id()).orElseThrow().createdAt())
                .isEqualTo(Instant.parse("2026-03-01T10:15:30.123456Z"));
    }

    @Test
    void list_pages_oldest_first() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Tenant first = tenant("list-a-" + run, Instant.parse("1971-01-01T00:00:00Z"));
        Tenant second = tenant("list-b-" + run, Instant.parse("1971-01-02T00:00:00Z"));
        Tenant third = tenant("list-c-" + run, Instant.parse("1971-01-03T00:00:00Z"));
        tenants.save(third);
        tenants.save(first);
        tenants.save(second);

        // Relative order and page arithmetic only, so that the test holds on a database other tests also fill.
        List<Tenant> all = tenants.list(0, 10_000);
        assertThat(all).filteredOn(t -> t.name().endsWith(run)).containsExactly(first, second, third);
        int firstIndex = all.indexOf(first);
        assertThat(tenants.list(firstIndex, 2)).startsWith(first).isEqualTo(all.subList(firstIndex, firstIndex + 2));
        assertThat(tenants.list(firstIndex + 1, 3)).isEqualTo(all.subList(firstIndex + 1, firstIndex + 4));
        assertThat(tenants.list(0, 0)).isEmpty();
    }

    private static Tenant tenant(String name, Instant createdAt) {
        return new Tenant(new TenantId(UUID.randomUUID()), name, TenantStatus.ACTIVE, createdAt);
    }
}
