package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.RepositoryKeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.List;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hot-path key cache: bounded, expiring, unknown hashes kept apart, and guarded when the store is down. */
class CachedKeyGrantLookupTest {
    private final MutableClock clock = MutableClock.at("2026-11-29T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final KeyGrantLookup store = hash -> {
        if (storeDown.get()) {
            throw new IllegalStateException(new SQLException("Connection refused", "08001"));
        }
        return new RepositoryKeyGrantLookup(keys, tenants).findByHash(hash);
    };
    private final DatabaseGuard guard = new DatabaseGuard(Duration.ofSeconds(30));

    private String issue() {
        Tenant tenant = new Tenant(new TenantId(UUID.randomUUID()), "t-" + UUID.randomUUID(), TenantStatus.ACTIVE,
                clock.instant());
        tenants.save(tenant);
        ApiKeySecret secret = ApiKeySecret.generate(new SecureRandom());
        keys.save(new ApiKey(new ApiKeyId(UUID.randomUUID()), tenant.id(), "k", secret.prefix(), secret.hash(),
                ApiKeyStatus.ACTIVE, clock.instant(), Optional.empty(), Optional.empty()));
        return secret.hash();
    }

    private CachedKeyGrantLookup lookup(long maxKnown, long maxUnknown) {
        return new CachedKeyGrantLookup(store, guard, clock, Duration.ofSeconds(5), maxKnown, Duration.ofSeconds(1),
                maxUnknown);
    }

    @Test
    void aFloodOfUnknownHashesNeverEvictsAKnownKey() {
        CachedKeyGrantLookup lookup = lookup(10, 100);
        String known = issue();
        assertThat(lookup.findByHash(known)).isPresent();
        int before = keys.lookups();

        for (int i = 0; i < 10_000; i++) {
            assertThat(lookup.findByHash("unknown-" + i)).isEmpty();
        }

        assertThat(lookup.findRemembered(known)).map(KeyGrantLookup.Remembered::grant).get()
                .extracting(Optional::isPresent).isEqualTo(true);
        assertThat(lookup.findByHash(known)).isPresent();
        assertThat(keys.lookups() - before).isEqualTo(10_000); // the known key was never looked up again
    }

    @Test
    void concurrentMissesOfOneKeyShareOneQuery() throws Exception {
        String known = issue();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger queries = new AtomicInteger();
        KeyGrantLookup slow = hash -> {
            queries.incrementAndGet();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return store.findByHash(hash);
        };
        CachedKeyGrantLookup lookup = new CachedKeyGrantLookup(slow, guard, clock, Duration.ofSeconds(5), 10,
                Duration.ofSeconds(1), 10);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<KeyGrant>>> burst = new ArrayList<>();
            burst.add(pool.submit(() -> lookup.findByHash(known)));
            entered.await();
            for (int i = 0; i < 200; i++) {
                burst.add(pool.submit(() -> lookup.findByHash(known)));
            }
            release.countDown();
            for (Future<Optional<KeyGrant>> answer : burst) {
                assertThat(answer.get()).isPresent();
            }
        }
        assertThat(queries.get()).as("one query for the whole burst").isEqualTo(1);
    }

    @Test
    void aForgottenHashIsLookedUpAgainAtOnce() {
        CachedKeyGrantLookup lookup = lookup(10, 10);
        String known = issue();
        ApiKey key = lookup.findByHash(known).orElseThrow().key();
        keys.save(key.revokedAt(clock.instant()));
        assertThat(lookup.findByHash(known).orElseThrow().key().status()).as("still remembered")
                .isEqualTo(ApiKeyStatus.ACTIVE);

        lookup.forget(known);
        assertThat(lookup.findRemembered(known)).isEmpty();
        assertThat(lookup.findByHash(known).orElseThrow().key().status()).isEqualTo(ApiKeyStatus.REVOKED);
    }

    @Test
    void answersAreRememberedForTheTtlAndUnknownHashesMoreBriefly() {
        CachedKeyGrantLookup lookup = lookup(10, 10);
        String known = issue();
        lookup.findByHash(known);
        lookup.findByHash("nobody");
        assertThat(lookup.findRemembered("nobody")).isPresent();

        clock.advance(Duration.ofSeconds(1));
        assertThat(lookup.findRemembered("nobody")).isEmpty();
        assertThat(lookup.findRemembered(known)).isPresent();
        clock.advance(Duration.ofSeconds(4));
        assertThat(lookup.findRemembered(known)).isEmpty();
    }

    @Test
    void whenTheStoreIsDownRememberedKeysStillWorkAndOthersAreUnavailable() {
        CachedKeyGrantLookup lookup = lookup(10, 10);
        String known = issue();
        lookup.findByHash(known);
        storeDown.set(true);

        assertThat(lookup.findByHash(known)).map(KeyGrant::key).isPresent();
        for (int i = 0; i < 6; i++) {
            String hash = "other-" + i;
            assertThatThrownBy(() -> lookup.findByHash(hash)).isInstanceOf(ServiceUnavailableException.class);
        }
        assertThat(guard.isAvailable()).isFalse();
    }

    @Test
    void aZeroTtlRemembersNothing() {
        CachedKeyGrantLookup lookup = new CachedKeyGrantLookup(store, guard, clock, Duration.ZERO, 10,
                Duration.ofSeconds(1), 10);
        String known = issue();
        lookup.findByHash(known);
        assertThat(lookup.findRemembered(known)).isEmpty();
    }
}
