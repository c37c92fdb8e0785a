package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response cache of V21 on real PostgreSQL: the first level and the shared table (written behind), expiry, the
 * purge, compression of large answers, the size limit, and tenants kept apart.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresResponseCacheTest {
    private static final Instant CREATED = Instant.parse("2026-11-01T08:00:00Z");
    private static final ModelId FLASH = new ModelId("gemini-2.5-flash");
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @Inject
    DataSource dataSource;

    @Inject
    DatabaseGuard guard;

    @Inject
    PostgresTenantRepository tenants;

    @Inject
    PostgresCachePolicyStore policies;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private PostgresResponseCache cache;
    private TenantId tenantA;
    private TenantId tenantB;

    @BeforeEach
    void setUp() {
        tenantA = tenant();
        tenantB = tenant();
        cache = new PostgresResponseCache(dataSource, guard, clock,
                new PostgresResponseCache.Settings(1 << 20, 64 * 1024, 1024, 100));
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private TenantId tenant() {
        Tenant t = new Tenant(new TenantId(UUID.randomUUID()), "cache-" + UUID.randomUUID(), TenantStatus.ACTIVE,
                CREATED);
        tenants.save(t);
        return t.id();
    }

    private static String fingerprint() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static GenerationResponse answer(String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidates", List.of(Map.of("content", Map.of("role", "model", "parts",
                List.of(Map.of("text", text))), "finishReason", "STOP", "index", 0)));
        body.put("usageMetadata", Map.of("promptTokenCount", 7, "candidatesTokenCount", 3, "totalTokenCount", 10));
        body.put("modelVersion", "gemini-2.5-flash-001");
        body.put("avgLogprobs", -0.125);
        return new GenerationResponse(FLASH, body, new Usage(7, 3, 1, 2, 1));
    }

    /** A fresh instance (an empty first level), as another replica sees the table. */
    private PostgresResponseCache otherReplica() {
        return new PostgresResponseCache(dataSource, guard, clock,
                new PostgresResponseCache.Settings(1 << 20, 64 * 1024, 1024, 100));
    }

    private Map<String, Object> row(CacheKey key) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT compressed, body_bytes, length(body) AS stored, "
                     + "expires_at FROM response_cache WHERE tenant_id = ? AND fingerprint = ?")) {
            s.setObject(1, key.tenant().value());
            s.setString(2, key.fingerprint());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                return Map.of("compressed", r.getBoolean(1), "bodyBytes", r.getInt(2), "stored", r.getInt(3),
                        "expiresAt", r.getTimestamp(4).toInstant());
            }
        }
    }

    @Test
    void anAnswerIsServedFromTheFirstLevelAtOnceAndFromTheTableByAnotherReplica() throws Exception {
        CacheKey key = new CacheKey(tenantA, fingerprint());
        GenerationResponse stored = answer("Hello");
        cache.put(key, stored, Duration.ofMinutes(5), NOW);

        assertThat(cache.get(key, NOW)).contains(stored);
        cache.flush();
        assertThat(row(key)).containsEntry("compressed", false).containsEntry("expiresAt", NOW.plusSeconds(300));

        try (PostgresResponseCache other = otherReplica()) {
            GenerationResponse read = other.get(key, NOW).orElseThrow();
            assertThat(read.body()).isEqualTo(stored.body());
            assertThat(read.usage()).isEqualTo(stored.usage());
            assertThat(read.servedModel()).isEqualTo(FLASH);
        }
    }

    @Test
    void anEntryIsNotServedOnceItExpiredAndThePurgeDeletesIt() throws Exception {
        CacheKey shortLived = new CacheKey(tenantA, fingerprint());
        CacheKey longLived = new CacheKey(tenantA, fingerprint());
        cache.put(shortLived, answer("short"), Duration.ofSeconds(30), NOW.minusSeconds(60));
        cache.put(longLived, answer("long"), Duration.ofHours(1), NOW.minusSeconds(60));
        cache.flush();

        assertThat(cache.get(shortLived, NOW)).isEmpty();
        assertThat(cache.get(longLived, NOW)).isPresent();
        try (PostgresResponseCache other = otherReplica()) {
            assertThat(other.get(shortLived, NOW)).isEmpty(); // the table does not serve it either
            assertThat(other.get(longLived, NOW)).isPresent();
        }

        assertThat(cache.purge(NOW)).isGreaterThanOrEqualTo(1);
        assertThat(row(shortLived)).isNull();
        assertThat(row(longLived)).isNotNull();
    }

    @Test
    void aLargeAnswerIsStoredCompressedAndReadBackWhole() throws Exception {
        CacheKey key = new CacheKey(tenantA, fingerprint());
        GenerationResponse large = answer("All work and no play. ".repeat(400)); // ~8.8 KB of JSON
        cache.put(key, large, Duration.ofMinutes(5), NOW);
        cache.flush();

        Map<String, Object> row = row(key);
        assertThat(row).containsEntry("compressed", true);
        assertThat((int) row.get("bodyBytes")).isGreaterThan(8_000);
        assertThat((int) row.get("stored")).isLessThan((int) row.get("bodyBytes") / 10);
        try (PostgresResponseCache other = otherReplica()) {
            assertThat(other.get(key, NOW).orElseThrow().body()).isEqualTo(large.body());
        }
    }

    @Test
    void anAnswerAboveTheMaximumIsNotCached() throws Exception {
        CacheKey key = new CacheKey(tenantA, fingerprint());
        cache.put(key, answer("x".repeat(70 * 1024)), Duration.ofMinutes(5), NOW);
        cache.flush();

        assertThat(cache.get(key, NOW)).isEmpty();
        assertThat(row(key)).isNull();
    }

    @Test
    void twoTenantsWithTheSameFingerprintHaveTwoEntries() throws Exception {
        String fingerprint = fingerprint();
        CacheKey a = new CacheKey(tenantA, fingerprint);
        CacheKey b = new CacheKey(tenantB, fingerprint);
        cache.put(a, answer("for A"), Duration.ofMinutes(5), NOW);
        cache.flush();

        assertThat(cache.get(b, NOW)).isEmpty();
        try (PostgresResponseCache other = otherReplica()) {
            assertThat(other.get(b, NOW)).isEmpty();
        }
        cache.put(b, answer("for B"), Duration.ofMinutes(5), NOW);
        cache.flush();
        try (PostgresResponseCache other = otherReplica()) {
            assertThat(other.get(a, NOW).orElseThrow().text()).isEqualTo("for A");
            assertThat(other.get(b, NOW).orElseThrow().text()).isEqualTo("for B");
        }
    }

    @Test
    void aStoreReplacesTheEntryOfItsKey() throws Exception {
        // one group commit, sent as one multi-row upsert: two stores of one key in it must not fail the rest
        CacheKey key = new CacheKey(tenantA, fingerprint());
        CacheKey beside = new CacheKey(tenantA, fingerprint());
        cache.put(key, answer("first"), Duration.ofMinutes(5), NOW);
        cache.put(beside, answer("beside"), Duration.ofMinutes(5), NOW);
        cache.put(key, answer("second"), Duration.ofMinutes(10), NOW);
        cache.flush();
        assertThat(row(key)).containsEntry("expiresAt", NOW.plusSeconds(600));
        try (PostgresResponseCache other = otherReplica()) {
            assertThat(other.get(key, NOW).orElseThrow().text()).isEqualTo("second");
            assertThat(other.get(beside, NOW).orElseThrow().text()).isEqualTo("beside");
        }
    }

    @Test
    void cachePoliciesRoundTripAndGoWithTheirTenant() {
        assertThat(policies.find(tenantA)).isEmpty();
        CachePolicy own = new CachePolicy(Duration.ofMinutes(90), true);
        policies.save(tenantA, own);
        policies.save(tenantB, CachePolicy.OFF);
        assertThat(policies.find(tenantA)).contains(own);
        assertThat(policies.loadAll()).containsEntry(tenantA, own).containsEntry(tenantB, CachePolicy.OFF);
        policies.save(tenantA, CachePolicy.OFF);
        assertThat(policies.find(tenantA)).contains(CachePolicy.OFF);
        assertThat(policies.remove(tenantA)).isTrue();
        assertThat(policies.remove(tenantA)).isFalse();
        assertThat(policies.find(tenantA)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policies.save(new TenantId(UUID.randomUUID()),
                own)).isInstanceOf(dev.gemgate.domain.common.NotFoundException.class);
    }
}
