package dev.gemgate.adapter.persistence;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database refuses what the domain would refuse, even when written around the adapters. */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SchemaConstraintsTest {
    @Inject
    DataSource dataSource;

    @Test
    void an_unknown_tenant_status_is_refused() {
        assertRefused("INSERT INTO tenants (id, name, display_name, status, created_at) VALUES ('"
                + UUID.randomUUID() + "', 'c-" + UUID.randomUUID() + "', 'c', 'FROZEN', now())", "tenants_status_known");
    }

    @Test
    void a_deleted_tenant_says_when_and_only_a_deleted_one() {
        assertRefused("INSERT INTO tenants (id, name, display_name, status, created_at) VALUES ('"
                + UUID.randomUUID() + "', 'd-" + UUID.randomUUID() + "', 'd', 'DELETED', now())",
                "tenants_deleted_has_time");
        assertRefused("INSERT INTO tenants (id, name, display_name, status, created_at, deleted_at) VALUES ('"
                + UUID.randomUUID() + "', 'd-" + UUID.randomUUID() + "', 'd', 'ACTIVE', now(), now())",
                "tenants_deleted_has_time");
    }

    @Test
    void unknown_key_surfaces_and_malformed_metadata_keys_are_refused() {
        UUID tenant = UUID.randomUUID();
        assertRefused("""
                WITH t AS (INSERT INTO tenants (id, name, display_name, status, created_at)
                           VALUES ('%s', 's-%s', 's', 'ACTIVE', now()) RETURNING id)
                INSERT INTO api_keys (id, tenant_id, label, prefix, hash, status, created_at, allowed_surfaces)
                SELECT '%s', id, 'l', 'gmg_abcdefgh', repeat('b', 64), 'ACTIVE', now(), 'GEMINI FAX' FROM t"""
                .formatted(tenant, tenant, UUID.randomUUID()), "api_keys_surfaces_known");
        assertRefused("""
                WITH t AS (INSERT INTO tenants (id, name, display_name, status, created_at)
                           VALUES ('%s', 'm-%s', 'm', 'ACTIVE', now()) RETURNING id)
                INSERT INTO tenant_metadata (tenant_id, meta_key, meta_value) SELECT id, 'no spaces allowed', 'v' FROM t"""
                .formatted(tenant, tenant), "tenant_metadata_key_shape");
    }

    @Test
    void admin_audit_fields_come_together() {
        assertRefused("""
                INSERT INTO audit_events (id, occurred_at, type, request_id, actor, prompt_tokens, candidates_tokens,
                    thoughts_tokens, cached_tokens, cost_micros, latency_micros, outcome, detail, actor_name)
                VALUES ('%s', now(), 'TENANT_CREATED', 'r', 'sub', 0, 0, 0, 0, 0, 0, 'SUCCESS', '', 'Alice')"""
                .formatted(UUID.randomUUID()), "audit_events_admin_complete");
        assertRefused("""
                INSERT INTO audit_events (id, occurred_at, type, request_id, actor, prompt_tokens, candidates_tokens,
                    thoughts_tokens, cached_tokens, cost_micros, latency_micros, outcome, detail)
                VALUES ('%s', now(), 'TENANT_RENAMED', 'r', 'sub', 0, 0, 0, 0, 0, 0, 'SUCCESS', '')"""
                .formatted(UUID.randomUUID()), "audit_events_type_known");
    }

    @Test
    void negative_money_and_tokens_are_refused() {
        String insert = """
                INSERT INTO audit_events (id, occurred_at, type, request_id, actor, prompt_tokens, candidates_tokens,
                    thoughts_tokens, cached_tokens, cost_micros, latency_micros, outcome, detail)
                VALUES ('%s', now(), 'GENERATE_CONTENT', 'r', 'a', %d, 0, 0, 0, %d, 0, 'SUCCESS', '')""";
        assertRefused(insert.formatted(UUID.randomUUID(), 10, -1), "audit_events_cost_not_negative");
        assertRefused(insert.formatted(UUID.randomUUID(), -10, 0), "audit_events_tokens_not_negative");
        assertRefused("""
                INSERT INTO model_prices (model, effective_from, input_micros_per_million, output_micros_per_million,
                    cached_input_micros_per_million) VALUES ('neg', now(), -1, 0, 0)""",
                "model_prices_rates_not_negative");
    }

    @Test
    void a_long_prompt_tier_is_all_or_nothing() {
        assertRefused("""
                INSERT INTO model_prices (model, effective_from, input_micros_per_million, output_micros_per_million,
                    cached_input_micros_per_million, long_prompt_threshold_tokens)
                VALUES ('half-tier', now(), 1, 1, 1, 1000)""", "model_prices_tier_complete");
    }

    @Test
    void a_revoked_key_says_when() {
        UUID tenant = UUID.randomUUID();
        assertRefused("""
                WITH t AS (INSERT INTO tenants (id, name, display_name, status, created_at)
                           VALUES ('%s', 'r-%s', 'r', 'ACTIVE', now()) RETURNING id)
                INSERT INTO api_keys (id, tenant_id, label, prefix, hash, status, created_at)
                SELECT '%s', id, 'l', 'gmg_abcdefgh', repeat('a', 64), 'REVOKED', now() FROM t"""
                .formatted(tenant, tenant, UUID.randomUUID()), "api_keys_revoked_has_time");
    }

    @Test
    void a_quota_bucket_holds_nothing_negative_and_nothing_over_its_limit_and_has_a_known_shape() {
        String insert = """
                INSERT INTO quota_buckets (bucket_key, shape, bucket_limit, held_ticks, granted_units, refilled_at)
                VALUES ('schema:%s', '%s', %d, %d, %d, now())""";
        assertRefused(insert.formatted(UUID.randomUUID(), "PER_HOUR", 10, 0, 0), "quota_buckets_shape_known");
        assertRefused(insert.formatted(UUID.randomUUID(), "PER_MINUTE", 10, -1, 0), "quota_buckets_held_within_limit");
        assertRefused(insert.formatted(UUID.randomUUID(), "PER_MINUTE", 10, 10 * 60_000_000L + 1, 0),
                "quota_buckets_held_within_limit");
        assertRefused(insert.formatted(UUID.randomUUID(), "PER_DAY_UTC", 0, 0, 0), "quota_buckets_limit_range");
        assertRefused(insert.formatted(UUID.randomUUID(), "PER_DAY_UTC", 100_000_000_001L, 0, 0),
                "quota_buckets_limit_range");
        assertRefused(insert.formatted(UUID.randomUUID(), "PER_MINUTE", 10, 0, -1),
                "quota_buckets_granted_not_negative");
    }

    @Test
    void a_tenant_resource_has_a_name_of_its_kind_and_only_its_own_count_and_one_live_row_per_name_and_credential()
            throws SQLException {
        String insert = """
                INSERT INTO tenant_resources (id, kind, upstream_name, tenant_id, api_key_id, credential_id,
                    size_bytes, request_count, state, created_at, updated_at)
                VALUES ('%s', '%s', '%s', '%s', '%s', 'pool-1', %s, %s, '%s', now(), now())""";
        String name = "files/schema" + UUID.randomUUID().toString().replace("-", "");
        assertRefused(insert.formatted(UUID.randomUUID(), "BATCH", "files/abc", UUID.randomUUID(), UUID.randomUUID(),
                "NULL", "NULL", "BATCH_STATE_PENDING"), "tenant_resources_name_shape");
        assertRefused(insert.formatted(UUID.randomUUID(), "FILE", "files/a/../b", UUID.randomUUID(), UUID.randomUUID(),
                "NULL", "NULL", "ACTIVE"), "tenant_resources_name_shape");
        assertRefused(insert.formatted(UUID.randomUUID(), "FILE", name, UUID.randomUUID(), UUID.randomUUID(),
                "NULL", "3", "ACTIVE"), "tenant_resources_requests_of_batches");
        assertRefused(insert.formatted(UUID.randomUUID(), "FILE", name, UUID.randomUUID(), UUID.randomUUID(),
                "-1", "NULL", "ACTIVE"), "tenant_resources_size_of_files");
        assertRefused(insert.formatted(UUID.randomUUID(), "FILE", name, UUID.randomUUID(), UUID.randomUUID(),
                "1", "NULL", "active"), "tenant_resources_state_shape");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(insert.formatted(UUID.randomUUID(), "FILE", name, UUID.randomUUID(), UUID.randomUUID(),
                    "1", "NULL", "ACTIVE"));
        }
        assertRefused(insert.formatted(UUID.randomUUID(), "FILE", name, UUID.randomUUID(), UUID.randomUUID(),
                "1", "NULL", "ACTIVE"), "tenant_resources_live_upstream");
    }

    private void assertRefused(String sql, String constraint) {
        assertThatThrownBy(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate(sql);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining(constraint);
    }
}
