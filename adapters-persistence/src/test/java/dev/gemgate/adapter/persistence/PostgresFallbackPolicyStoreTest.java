package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import dev.gemgate.domain.upstream.FallbackPolicy;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fallback policies of V20 on real PostgreSQL: round trips, replacement, removal, cascades and the table's checks. */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresFallbackPolicyStoreTest {
    private static final Instant CREATED = Instant.parse("2026-11-01T08:00:00Z");
    private static final ModelId PRO = new ModelId("gemini-3.1-pro-preview");
    private static final ModelId FLASH = new ModelId("gemini-3.6-flash");
    private static final ModelId LITE = new ModelId("gemini-2.5-flash-lite");

    @Inject
    PostgresFallbackPolicyStore policies;

    @Inject
    PostgresTenantRepository tenants;

    @Inject
    DataSource dataSource;

    private Tenant tenant;

    @BeforeEach
    void aTenant() {
        tenant = new Tenant(new TenantId(UUID.randomUUID()), "fallback-" + UUID.randomUUID(), TenantStatus.ACTIVE,
                CREATED);
        tenants.save(tenant);
    }

    @Test
    void aPolicyRoundTripsWithItsChainsInOrderAndIsReplacedAsAWhole() {
        assertThat(policies.find(tenant.id())).isEmpty();
        FallbackPolicy chained = new FallbackPolicy(false, Map.of(PRO, List.of(FLASH, LITE), FLASH, List.of()));
        policies.save(tenant.id(), chained);
        assertThat(policies.find(tenant.id())).contains(chained);
        assertThat(policies.find(tenant.id()).orElseThrow().chains().get(PRO)).containsExactly(FLASH, LITE);
        assertThat(policies.loadAll()).containsEntry(tenant.id(), chained);

        FallbackPolicy strict = new FallbackPolicy(true, Map.of(FLASH, List.of(LITE)));
        policies.save(tenant.id(), strict);
        assertThat(policies.find(tenant.id())).contains(strict);
        assertThat(count("fallback_chains")).isEqualTo(1);

        policies.save(tenant.id(), FallbackPolicy.DEFAULT);
        assertThat(policies.find(tenant.id())).contains(FallbackPolicy.DEFAULT);
        assertThat(count("fallback_chains")).isZero();
    }

    @Test
    void removingAPolicyTakesItsChainsAlongAndSaysWhetherThereWasOne() {
        policies.save(tenant.id(), new FallbackPolicy(false, Map.of(PRO, List.of(FLASH))));
        assertThat(policies.remove(tenant.id())).isTrue();
        assertThat(policies.find(tenant.id())).isEmpty();
        assertThat(count("fallback_chains")).isZero();
        assertThat(policies.remove(tenant.id())).isFalse();
    }

    @Test
    void anUnknownTenantIsNotFoundAndNothingIsLeftBehind() {
        TenantId unknown = new TenantId(UUID.randomUUID());
        assertThatThrownBy(() -> policies.save(unknown, new FallbackPolicy(false, Map.of(PRO, List.of(FLASH)))))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("does not exist");
        assertThat(policies.find(unknown)).isEmpty();
    }

    @Test
    void deletedTenantsAreNotLoadedAndHardDeletesCascade() {
        FallbackPolicy chained = new FallbackPolicy(false, Map.of(PRO, List.of(FLASH)));
        policies.save(tenant.id(), chained);
        tenants.save(tenant.deletedAt(CREATED.plusSeconds(60)));
        assertThat(policies.loadAll()).doesNotContainKey(tenant.id());

        execute("DELETE FROM tenants WHERE id = '" + tenant.id() + "'");
        assertThat(count("fallback_policies")).isZero();
        assertThat(count("fallback_chains")).isZero();
    }

    @Test
    void theTablesRefuseWhatTheDomainRefuses() {
        policies.save(tenant.id(), FallbackPolicy.DEFAULT);
        String row = "INSERT INTO fallback_chains (tenant_id, model, fallbacks) VALUES ('" + tenant.id()
                + "', 'gemini-3.1-pro-preview', %s)";
        assertRefused(row.formatted("'{gemini-3.1-pro-preview}'"), "fallback_chains_valid");
        assertRefused(row.formatted("'{gemini-3.6-flash,gemini-3.6-flash}'"), "fallback_chains_valid");
        assertRefused(row.formatted("'{a,b,c,d,e}'"), "fallback_chains_valid");
        assertRefused(row.formatted("'{a,NULL}'"), "fallback_chains_valid");
        assertRefused(row.formatted("'{{a},{b}}'"), "fallback_chains_valid");
        execute(row.formatted("'{a,b,c,d}'"));
        assertRefused("INSERT INTO fallback_chains (tenant_id, model, fallbacks) VALUES ('" + UUID.randomUUID()
                + "', 'm', '{}')", "fallback_chains_tenant_id_fkey");
    }

    @Test
    void theAuditTableKnowsEveryAuditEventType() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                     + "WHERE conname = 'audit_events_type_known'")) {
            assertThat(r.next()).isTrue();
            String definition = r.getString(1);
            for (AuditEventType type : AuditEventType.values()) {
                assertThat(definition).as(type.name()).contains("'" + type.name() + "'");
            }
        }
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int count(String table) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM " + table + " WHERE tenant_id = '" + tenant.id() + "'")) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertRefused(String sql, String constraint) {
        assertThatThrownBy(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate(sql);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining(constraint);
    }
}
