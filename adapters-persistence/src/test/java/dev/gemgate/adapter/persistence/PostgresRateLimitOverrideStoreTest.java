package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.quota.ApiKeyRateLimitOverride;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.RateLimitOverrideStore;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.quota.TenantRateLimitOverride;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresRateLimitOverrideStoreTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant CREATED = Instant.parse("2026-05-01T08:00:00Z");
    private static final OptionalLong NONE = OptionalLong.empty();

    @Inject
    PostgresRateLimitOverrideStore store;

    @Inject
    PostgresTenantRepository tenants;

    @Inject
    PostgresApiKeyRepository keys;

    @Inject
    DataSource dataSource;

    private Tenant tenant;
    private ApiKey key;

    @BeforeEach
    void aTenantWithAKey() {
        tenant = newTenant();
        key = newKey(tenant);
    }

    private Tenant newTenant() {
        Tenant t = new Tenant(new TenantId(UUID.randomUUID()), "overrides-" + UUID.randomUUID(), TenantStatus.ACTIVE,
                CREATED);
        tenants.save(t);
        return t;
    }

    private ApiKey newKey(Tenant owner) {
        ApiKeySecret secret = ApiKeySecret.generate(RANDOM);
        ApiKey k = new ApiKey(new ApiKeyId(UUID.randomUUID()), owner.id(), "ci", secret.prefix(), secret.hash(),
                ApiKeyStatus.ACTIVE, CREATED, Optional.empty(), Optional.empty());
        keys.save(k);
        return k;
    }

    private static LimitOverrides limits(long rpm, long tpm, long rpd, long concurrent) {
        return new LimitOverrides(OptionalLong.of(rpm), OptionalLong.of(tpm), OptionalLong.of(rpd),
                OptionalLong.of(concurrent));
    }

    @Test
    void a_tenant_override_round_trips_and_is_replaced_whole() {
        TenantRateLimitOverride full = new TenantRateLimitOverride(tenant.id(), limits(1, 2, 3, 4),
                limits(5, 6, 7, RateLimits.MAX), Optional.of(PriorityClass.HIGH));
        store.save(full);
        assertThat(store.findTenant(tenant.id())).contains(full);

        TenantRateLimitOverride partial = new TenantRateLimitOverride(tenant.id(),
                new LimitOverrides(NONE, OptionalLong.of(9), NONE, NONE), LimitOverrides.NONE, Optional.empty());
        store.save(partial);
        assertThat(store.findTenant(tenant.id())).as("a save replaces every field").contains(partial);
        assertThat(store.findApiKey(key.id())).as("the tenant's row is not its key's").isEmpty();
        assertThat(rows("tenant_id = '" + tenant.id() + "'")).isEqualTo(1);
    }

    @Test
    void a_key_override_round_trips_beside_its_tenants_and_each_clears_alone() {
        TenantRateLimitOverride tenantOverride = new TenantRateLimitOverride(tenant.id(), LimitOverrides.NONE,
                LimitOverrides.NONE, Optional.of(PriorityClass.LOW));
        ApiKeyRateLimitOverride keyOverride = new ApiKeyRateLimitOverride(tenant.id(), key.id(),
                new LimitOverrides(OptionalLong.of(10), NONE, NONE, OptionalLong.of(2)));
        store.save(tenantOverride);
        store.save(keyOverride);

        assertThat(store.findTenant(tenant.id())).contains(tenantOverride);
        assertThat(store.findApiKey(key.id())).contains(keyOverride);
        RateLimitOverrideStore.All all = store.loadAll();
        assertThat(all.tenants()).containsEntry(tenant.id(), tenantOverride);
        assertThat(all.keys()).containsEntry(key.id(), keyOverride);

        assertThat(store.clearApiKey(key.id())).isTrue();
        assertThat(store.clearApiKey(key.id())).isFalse();
        assertThat(store.findTenant(tenant.id())).contains(tenantOverride);
        assertThat(store.clearTenant(tenant.id())).isTrue();
        assertThat(store.clearTenant(tenant.id())).isFalse();
        assertThat(store.loadAll().tenants()).doesNotContainKey(tenant.id());
    }

    @Test
    void unknown_tenants_keys_of_another_tenant_and_empty_overrides_are_refused() {
        assertThatThrownBy(() -> store.save(new TenantRateLimitOverride(new TenantId(UUID.randomUUID()),
                limits(1, 1, 1, 1), LimitOverrides.NONE, Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        Tenant other = newTenant();
        assertThatThrownBy(() -> store.save(new ApiKeyRateLimitOverride(other.id(), key.id(), limits(1, 1, 1, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist for tenant");
        assertThatThrownBy(() -> store.save(TenantRateLimitOverride.none(tenant.id())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.findApiKey(key.id())).isEmpty();
    }

    @Test
    void a_deleted_tenants_overrides_are_not_loaded() {
        store.save(new TenantRateLimitOverride(tenant.id(), limits(1, 1, 1, 1), LimitOverrides.NONE,
                Optional.empty()));
        store.save(new ApiKeyRateLimitOverride(tenant.id(), key.id(), limits(2, 2, 2, 2)));
        tenants.save(tenant.deletedAt(CREATED.plusSeconds(60)));

        RateLimitOverrideStore.All all = store.loadAll();
        assertThat(all.tenants()).doesNotContainKey(tenant.id());
        assertThat(all.keys()).doesNotContainKey(key.id());
    }

    @Test
    void deleting_a_tenant_or_a_key_deletes_their_overrides() throws SQLException {
        store.save(new TenantRateLimitOverride(tenant.id(), limits(1, 1, 1, 1), LimitOverrides.NONE,
                Optional.empty()));
        store.save(new ApiKeyRateLimitOverride(tenant.id(), key.id(), limits(2, 2, 2, 2)));
        ApiKey second = newKey(tenant);
        store.save(new ApiKeyRateLimitOverride(tenant.id(), second.id(), limits(3, 3, 3, 3)));

        execute("DELETE FROM api_keys WHERE id = '" + key.id() + "'");
        assertThat(store.findApiKey(key.id())).isEmpty();
        assertThat(store.findApiKey(second.id())).isPresent();

        execute("DELETE FROM api_keys WHERE id = '" + second.id() + "'");
        execute("DELETE FROM tenants WHERE id = '" + tenant.id() + "'");
        assertThat(rows("tenant_id = '" + tenant.id() + "'")).isZero();
    }

    @Test
    void the_table_refuses_what_the_domain_refuses() {
        String tenantRow = "INSERT INTO rate_limit_overrides (scope, tenant_id, %s) VALUES ('TENANT', '"
                + tenant.id() + "', %s)";
        assertRefused(tenantRow.formatted("requests_per_minute", "0"), "rate_limit_overrides_values_in_range");
        assertRefused(tenantRow.formatted("model_tokens_per_minute", "-5"), "rate_limit_overrides_values_in_range");
        assertRefused(tenantRow.formatted("concurrent_requests", "100000000001"),
                "rate_limit_overrides_values_in_range");
        assertRefused(tenantRow.formatted("priority", "'URGENT'"), "rate_limit_overrides_priority_known");
        assertRefused("INSERT INTO rate_limit_overrides (scope, tenant_id) VALUES ('TENANT', '" + tenant.id() + "')",
                "rate_limit_overrides_overrides_something");
        assertRefused("INSERT INTO rate_limit_overrides (scope, tenant_id, api_key_id, requests_per_minute, priority) "
                + "VALUES ('API_KEY', '" + tenant.id() + "', '" + key.id() + "', 5, 'HIGH')",
                "rate_limit_overrides_key_has_own_limits_only");
        assertRefused("INSERT INTO rate_limit_overrides (scope, tenant_id, requests_per_minute) VALUES ('API_KEY', '"
                + tenant.id() + "', 5)", "rate_limit_overrides_scope_matches_key");
        execute(tenantRow.formatted("requests_per_minute", "5"));
        assertRefused(tenantRow.formatted("requests_per_minute", "6"), "rate_limit_overrides_one_per_scope");
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int rows(String where) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM rate_limit_overrides WHERE " + where)) {
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
