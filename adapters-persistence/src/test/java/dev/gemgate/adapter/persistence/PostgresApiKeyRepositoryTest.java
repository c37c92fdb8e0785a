package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.KeyScopes;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresApiKeyRepositoryTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant CREATED = Instant.parse("2026-05-01T08:00:00Z");

    @Inject
    PostgresApiKeyRepository keys;

    @Inject
    PostgresTenantRepository tenants;

    @Inject
    DataSource dataSource;

    private Tenant tenant;

    @BeforeEach
    void aTenant() {
        tenant = new Tenant(new TenantId(UUID.randomUUID()), "keys-" + UUID.randomUUID(), TenantStatus.ACTIVE, CREATED);
        tenants.save(tenant);
    }

    @Test
    void a_key_is_found_by_the_hash_of_its_secret() {
        ApiKeySecret secret = ApiKeySecret.generate(RANDOM);
        ApiKey key = newKey(secret, CREATED);

        keys.save(key);

        assertThat(keys.findByHash(ApiKeySecret.presented(secret.reveal()).hash())).contains(key);
        assertThat(keys.findById(key.id())).contains(key);
        assertThat(keys.findByHash(ApiKeySecret.generate(RANDOM).hash())).isEmpty();
        assertThat(keys.findById(new ApiKeyId(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void grace_period_and_revocation_round_trip() {
        ApiKey key = newKey(ApiKeySecret.generate(RANDOM), CREATED);
        keys.save(key);

        ApiKey expiring = key.expiringAt(Instant.parse("2026-05-08T08:00:00Z"));
        keys.save(expiring);
        assertThat(keys.findById(key.id())).contains(expiring);
        assertThat(keys.findById(key.id()).orElseThrow().usabilityAt(Instant.parse("2026-05-09T00:00:00Z")))
                .isEqualTo(ApiKey.Usability.EXPIRED);

        ApiKey revoked = expiring.revokedAt(Instant.parse("2026-05-02T09:30:00.000001Z"));
        keys.save(revoked);
        ApiKey reread = keys.findByHash(key.hash()).orElseThrow();
        assertThat(reread).isEqualTo(revoked);
        assertThat(reread.status()).isEqualTo(ApiKeyStatus.REVOKED);
        assertThat(reread.revokedAt()).contains(Instant.parse("2026-05-02T09:30:00.000001Z"));
        assertThat(reread.usabilityAt(CREATED)).isEqualTo(ApiKey.Usability.REVOKED);
    }

    @Test
    void scopes_round_trip_and_a_save_never_touches_last_used() throws Exception {
        ApiKey key = newKey(ApiKeySecret.generate(RANDOM), CREATED).withScopes(KeyScopes.parse(
                List.of("gemini-3.*", "gemini-2.5-flash"), List.of("EMBEDDINGS", "GEMINI"),
                List.of("10.0.0.0/8", "2001:db8::/32")));
        keys.save(key);
        assertThat(keys.findById(key.id())).contains(key);

        Instant used = Instant.parse("2026-05-03T10:00:00.123456Z");
        BatchedKeyUsageRecorder recorder = new BatchedKeyUsageRecorder(dataSource, Duration.ofHours(1));
        recorder.used(key.id(), used.minusSeconds(5));
        recorder.used(key.id(), used);
        recorder.used(key.id(), used.minusSeconds(10));
        assertThat(recorder.pendingCount()).isEqualTo(1);
        assertThat(keys.findById(key.id()).orElseThrow().lastUsedAt()).as("nothing written before a flush").isEmpty();

        assertThat(recorder.flush()).isEqualTo(1);
        assertThat(recorder.pendingCount()).isZero();
        assertThat(keys.findById(key.id()).orElseThrow().lastUsedAt()).contains(used);

        keys.save(key.revokedAt(Instant.parse("2026-05-04T00:00:00Z")));
        assertThat(keys.findById(key.id()).orElseThrow().lastUsedAt()).as("a save keeps last use").contains(used);

        recorder.used(key.id(), used.minusSeconds(60));
        recorder.flush();
        assertThat(keys.findById(key.id()).orElseThrow().lastUsedAt()).as("another replica's older time loses")
                .contains(used);
    }

    @Test
    void many_uses_of_many_keys_are_one_batch_and_shutdown_writes_what_is_pending() {
        List<ApiKey> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ApiKey k = newKey(ApiKeySecret.generate(RANDOM), CREATED);
            keys.save(k);
            many.add(k);
        }
        BatchedKeyUsageRecorder recorder = new BatchedKeyUsageRecorder(dataSource, Duration.ofHours(1));
        recorder.start();
        Instant t = Instant.parse("2026-05-05T00:00:00Z");
        for (int use = 0; use < 20; use++) {
            for (ApiKey k : many) {
                recorder.used(k.id(), t.plusSeconds(use));
            }
        }
        assertThat(recorder.pendingCount()).isEqualTo(50);
        recorder.close();
        assertThat(many).allSatisfy(k -> assertThat(keys.findById(k.id()).orElseThrow().lastUsedAt())
                .contains(t.plusSeconds(19)));
    }

    @Test
    void two_keys_never_share_a_hash() {
        ApiKey first = newKey(ApiKeySecret.generate(RANDOM), CREATED);
        keys.save(first);
        ApiKey clash = new ApiKey(new ApiKeyId(UUID.randomUUID()), tenant.id(), "clash", first.prefix(), first.hash(),
                ApiKeyStatus.ACTIVE, CREATED, Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> keys.save(clash)).isInstanceOf(IllegalStateException.class);
        assertThat(keys.findByHash(first.hash())).contains(first);
        assertThat(keys.findById(clash.id())).isEmpty();
    }

    @Test
    void a_key_needs_an_existing_tenant() {
        ApiKeySecret secret = ApiKeySecret.generate(RANDOM);
        ApiKey orphan = new ApiKey(new ApiKeyId(UUID.randomUUID()), new TenantId(UUID.randomUUID()), "orphan",
                secret.prefix(), secret.hash(), ApiKeyStatus.ACTIVE, CREATED, Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> keys.save(orphan)).isInstanceOf(RuntimeException.class);
        assertThat(keys.findByHash(secret.hash())).isEmpty();
    }

    @Test
    void a_tenants_keys_are_listed_oldest_first() {
        ApiKey older = newKey(ApiKeySecret.generate(RANDOM), CREATED);
        ApiKey newer = newKey(ApiKeySecret.generate(RANDOM), CREATED.plusSeconds(60));
        keys.save(newer);
        keys.save(older);

        assertThat(keys.findByTenant(tenant.id())).containsExactly(older, newer);
        assertThat(keys.findByTenant(new TenantId(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void the_hash_lookup_can_use_the_unique_index() throws Exception {
        // Authentication runs on every request: the lookup must stay an index probe whatever the table size.
        // (With a handful of rows the planner would rightly scan, so scans are switched off to ask "can it".)
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET enable_seqscan = off");
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN SELECT id FROM api_keys WHERE hash = ?")) {
                explain.setString(1, "0".repeat(64));
                StringBuilder plan = new StringBuilder();
                try (ResultSet rows = explain.executeQuery()) {
                    while (rows.next()) {
                        plan.append(rows.getString(1)).append('\n');
                    }
                }
                assertThat(plan.toString()).contains("api_keys_hash_unique");
            } finally {
                s.execute("RESET enable_seqscan");
            }
        }
    }

    private ApiKey newKey(ApiKeySecret secret, Instant createdAt) {
        return new ApiKey(new ApiKeyId(UUID.randomUUID()), tenant.id(), "ci", secret.prefix(), secret.hash(),
                ApiKeyStatus.ACTIVE, createdAt, Optional.empty(), Optional.empty());
    }
}
