package dev.gemgate.app;

import dev.gemgate.adapter.persistence.DatabaseGuard;
import dev.gemgate.adapter.persistence.PostgresResponseCache;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.cache.GetCachePolicy;
import dev.gemgate.application.cache.RemoveCachePolicy;
import dev.gemgate.application.cache.SetCachePolicy;
import dev.gemgate.application.generation.ResponseCaching;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.CachePolicyStore;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.cache.StoredCachePolicySource;
import dev.gemgate.domain.tenant.TenantRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The response cache ({@code gemgate.cache.*}): {@link PostgresResponseCache} (a bounded Caffeine first level in front
 * of the shared {@code response_cache} table, written behind the requests), the tenants' cache policies set through the
 * admin API over the configured default ({@link StoredCachePolicySource}, reloaded every {@code gemgate.budget.refresh}
 * like every admin setting, {@link PeriodicReload}), the cache step both generation use cases share
 * ({@link ResponseCaching}: the rules and the coalescing of identical requests in flight, per replica), and the
 * scheduled purge of expired rows.
 */
@Singleton
public class CacheWiring {
    private static final Logger LOG = Logger.getLogger(CacheWiring.class);

    private volatile PeriodicReload refresher;
    private volatile ScheduledExecutorService purger;

    /** The configured default policy; a bad TTL stops the start naming the setting. */
    static CachePolicy configuredPolicy(GemgateConfig.Cache cache) {
        try {
            return new CachePolicy(cache.defaultTtl(), cache.cacheNonDeterministic());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.cache.default-ttl: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    StoredCachePolicySource cachePolicies(GemgateConfig config, CachePolicyStore store) {
        return new StoredCachePolicySource(configuredPolicy(config.cache()), store);
    }

    /** Also the {@link ResponseCache} bean (a producer's bean types are all its class's). */
    @Produces
    @Singleton
    PostgresResponseCache postgresResponseCache(DataSource dataSource, DatabaseGuard guard, Clock clock,
                                                GemgateConfig config, MeterRegistry registry) {
        GemgateConfig.Cache c = config.cache();
        PostgresResponseCache cache;
        try {
            cache = new PostgresResponseCache(dataSource, guard, clock, new PostgresResponseCache.Settings(
                    c.l1MaxBytes(), c.maxEntryBytes(), c.compressAboveBytes(), c.writeQueue()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.cache.*: " + e.getMessage(), e);
        }
        Gauge.builder("gemgate.cache.l1.entries", cache, PostgresResponseCache::firstLevelEntries)
                .description("Answers in this replica's in-memory response cache").register(registry);
        Gauge.builder("gemgate.cache.lost.writes", cache, PostgresResponseCache::lostWrites)
                .description("Cached answers PostgreSQL did not take (full queue or database failure)")
                .register(registry);
        return cache;
    }

    @Produces
    @Singleton
    ResponseCaching responseCaching(ResponseCache cache, StoredCachePolicySource policies,
                                    RequestFingerprint fingerprints, Clock clock) {
        return new ResponseCaching(cache, policies, fingerprints, clock);
    }

    void onStart(@Observes StartupEvent event, StoredCachePolicySource policies, PostgresResponseCache cache,
                 GemgateConfig config, Clock clock) {
        refresher = new PeriodicReload("cache policies", policies::reload, policies::size);
        refresher.start(config.budget().refresh(), "gemgate-cache-policies");
        long period = config.cache().purgeInterval().toMillis();
        if (period <= 0) {
            throw new IllegalStateException("gemgate.cache.purge-interval must be positive");
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("gemgate-cache-purge").factory());
        timer.scheduleWithFixedDelay(() -> purge(cache, clock), period, period, TimeUnit.MILLISECONDS);
        purger = timer;
    }

    private static void purge(PostgresResponseCache cache, Clock clock) {
        try {
            long purged = cache.purge(clock.instant());
            if (purged > 0) {
                LOG.debugf("response cache: %d expired answers purged", purged);
            }
        } catch (RuntimeException e) {
            LOG.warnf("response cache: purging expired answers failed (%s); tried again next period",
                    e.getClass().getSimpleName());
        }
    }

    void onShutdown(@Observes ShutdownEvent event, PostgresResponseCache cache) {
        if (refresher != null) {
            refresher.stop();
        }
        if (purger != null) {
            purger.shutdownNow();
        }
        cache.close();
    }

    @Produces
    @Singleton
    GetCachePolicy getCachePolicy(TenantRepository tenants, CachePolicyStore store, StoredCachePolicySource source) {
        return new GetCachePolicy(tenants, store, source);
    }

    @Produces
    @Singleton
    SetCachePolicy setCachePolicy(TenantRepository tenants, CachePolicyStore store, StoredCachePolicySource source,
                                  AdminAudit audit) {
        return new SetCachePolicy(tenants, store, source, audit);
    }

    @Produces
    @Singleton
    RemoveCachePolicy removeCachePolicy(TenantRepository tenants, CachePolicyStore store,
                                        StoredCachePolicySource source, AdminAudit audit) {
        return new RemoveCachePolicy(tenants, store, source, audit);
    }
}
