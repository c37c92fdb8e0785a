package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.CacheStorageMarks;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storage marks of context caches on the real PostgreSQL (V26): a mark moves forward only, never past the cache's
 * end, and of concurrent claims on separate connections each stretch goes to exactly one.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresCacheStorageMarksTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00.123456Z");

    @Inject
    PostgresTenantResources store;

    @Inject
    PostgresCacheStorageMarks marks;

    private TenantResource cache(Instant created, Duration ttl) {
        TenantResource cache = TenantResource.created(UUID.randomUUID(), UpstreamResourceName.of(
                        ResourceKind.CACHED_CONTENT, UUID.randomUUID().toString().replace("-", "")),
                new TenantId(UUID.randomUUID()), new ApiKeyId(UUID.randomUUID()), new UpstreamCredentialId("pool-1"),
                Optional.of(new ModelId("gemini-2.5-flash")), "ACTIVE", Optional.of(created.plus(ttl)), created)
                .withTokenCount(2_048);
        return store.record(cache);
    }

    @Test
    void aMarkMovesForwardOnlyAndNeverPastTheCachesExpiry() {
        TenantResource cache = cache(T0, Duration.ofHours(2));

        assertThat(marks.advance(cache.id(), T0.plusSeconds(600)))
                .contains(new CacheStorageMarks.Stretch(T0, T0.plusSeconds(600)));
        assertThat(marks.advance(cache.id(), T0.plusSeconds(300))).isEmpty();
        assertThat(marks.advance(cache.id(), T0.plusSeconds(600))).isEmpty();
        assertThat(marks.advance(cache.id(), T0.plusSeconds(5 * 3600)))
                .contains(new CacheStorageMarks.Stretch(T0.plusSeconds(600), T0.plusSeconds(7200)));
        // passing the expiry closed the live record at its expiry
        assertThat(store.find(cache.tenant(), cache.name())).isEmpty();
        assertThat(marks.advance(cache.id(), T0.plusSeconds(6 * 3600))).isEmpty();
        assertThat(marks.advance(UUID.randomUUID(), T0.plusSeconds(600))).isEmpty();
    }

    @Test
    void aDeletedCacheIsChargedToItsDeletionAndNoFurther() {
        TenantResource cache = cache(T0, Duration.ofHours(10));
        store.delete(cache.tenant(), cache.name(), T0.plusSeconds(1800));

        List<CacheStorageMarks.Due> due = dueFor(cache, T0.plusSeconds(3600));
        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.billedThrough()).isEqualTo(T0);
            assertThat(d.end()).isEqualTo(T0.plusSeconds(1800));
            assertThat(d.cache().tokens()).isEqualTo(2_048);
            assertThat(d.cache().tenant()).isEqualTo(cache.tenant());
            assertThat(d.cache().createdAt()).isEqualTo(T0);
        });
        assertThat(marks.advance(cache.id(), T0.plusSeconds(3600)))
                .contains(new CacheStorageMarks.Stretch(T0, T0.plusSeconds(1800)));
        assertThat(dueFor(cache, T0.plusSeconds(7200))).isEmpty();
    }

    @Test
    void aLiveCacheIsDueOnceItsUnchargedStretchReachesTheInterval() {
        TenantResource cache = cache(T0, Duration.ofHours(10));

        assertThat(dueFor(cache, T0.plusSeconds(1800))).isEmpty();
        assertThat(dueFor(cache, T0.plusSeconds(3600))).singleElement()
                .satisfies(d -> assertThat(d.end()).isEqualTo(T0.plusSeconds(3600)));
        marks.advance(cache.id(), T0.plusSeconds(3600));
        assertThat(dueFor(cache, T0.plusSeconds(5400))).isEmpty();
        // expired: due at once, up to the expiry, whatever the interval
        assertThat(dueFor(cache, T0.plusSeconds(11 * 3600))).singleElement().satisfies(d -> {
            assertThat(d.billedThrough()).isEqualTo(T0.plusSeconds(3600));
            assertThat(d.end()).isEqualTo(T0.plusSeconds(10 * 3600));
        });
    }

    private List<CacheStorageMarks.Due> dueFor(TenantResource cache, Instant now) {
        return marks.due(now, Duration.ofHours(1), 1000).stream().filter(d -> d.cache().id().equals(cache.id()))
                .toList();
    }

    @Test
    void concurrentClaimsOnSeparateConnectionsChargeEveryStretchExactlyOnce() throws Exception {
        TenantResource cache = cache(T0, Duration.ofHours(24));
        int claimers = 8;
        int steps = 40;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<CacheStorageMarks.Stretch>>> results = new ArrayList<>();
        try {
            for (int c = 0; c < claimers; c++) {
                Callable<List<CacheStorageMarks.Stretch>> claimer = () -> {
                    start.await();
                    List<CacheStorageMarks.Stretch> won = new ArrayList<>();
                    for (int hour = 1; hour <= steps; hour++) { // past the 24 h expiry too
                        marks.advance(cache.id(), T0.plusSeconds(hour * 3600L)).ifPresent(won::add);
                    }
                    return won;
                };
                results.add(pool.submit(claimer));
            }
            start.countDown();
            List<CacheStorageMarks.Stretch> all = new ArrayList<>();
            for (Future<List<CacheStorageMarks.Stretch>> result : results) {
                all.addAll(result.get());
            }
            all.sort(Comparator.comparing(CacheStorageMarks.Stretch::from));
            // the stretches tile [T0, expiry) with neither gap nor overlap: each hour went to one claimer
            assertThat(all.getFirst().from()).isEqualTo(T0);
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).from()).isEqualTo(all.get(i - 1).to());
            }
            assertThat(all.getLast().to()).isEqualTo(T0.plusSeconds(24 * 3600));
            assertThat(all).hasSize(24);
        } finally {
            pool.shutdownNow();
        }
    }
}
