package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiCachedContentsAdapter;
import dev.gemgate.adapter.gemini.GenAiSettings;
import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.resource.CacheStorageCharges;
import dev.gemgate.application.resource.CacheStorageSweep;
import dev.gemgate.application.resource.CachedContentCalls;
import dev.gemgate.application.resource.CachedContentCreate;
import dev.gemgate.application.resource.CachedContentDelete;
import dev.gemgate.application.resource.CachedContentGet;
import dev.gemgate.application.resource.CachedContentList;
import dev.gemgate.application.resource.CachedContentUpdate;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.resource.CacheStorageMarks;
import dev.gemgate.domain.resource.CachedContentsPort;
import dev.gemgate.domain.resource.TenantResources;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gemini's explicit context caches ({@code cachedContents}) through the gateway: the upstream adapter, the use cases,
 * and the storage settlement sweep, which every replica runs every {@code gemgate.cached-contents.storage-sweep-interval}
 * on a virtual thread (safe on any number of replicas: each stretch of storage is claimed by one,
 * {@link CacheStorageCharges}).
 */
@Singleton
public class CachedContentsWiring {
    private static final Logger LOG = Logger.getLogger(CachedContentsWiring.class);

    private volatile ScheduledExecutorService sweeper;

    @Produces
    @Singleton
    GenAiCachedContentsAdapter cachedContentsAdapter(GemgateConfig config) {
        GenAiSettings settings = GenAiSettings.defaults().withGeminiApiVersion(config.upstream().apiVersion())
                .withPoolShards(1);
        if (config.upstream().extraTrustedCertificatesFile().isPresent()) {
            settings = settings.withExtraTrustedCertificates(GenerationPortProducer.readCertificates(
                    config.upstream().extraTrustedCertificatesFile().get()));
        }
        return new GenAiCachedContentsAdapter(settings);
    }

    void close(@Disposes GenAiCachedContentsAdapter adapter) {
        adapter.close();
    }

    @Produces
    @Singleton
    CacheStorageCharges cacheStorageCharges(CacheStorageMarks marks, PricingCatalog pricing, BudgetLedger ledger,
                                            RequestRecorder recorder, IdGenerator ids, Clock clock) {
        return new CacheStorageCharges(marks, pricing, ledger, recorder, ids, clock);
    }

    @Produces
    @Singleton
    CacheStorageSweep cacheStorageSweep(CacheStorageMarks marks, CacheStorageCharges charges, Clock clock,
                                        GemgateConfig config) {
        return new CacheStorageSweep(marks, charges, clock, config.cachedContents().storageChargeInterval());
    }

    @Produces
    @Singleton
    CachedContentCalls cachedContentCalls(TenantResources store, GenAiCachedContentsAdapter port, Admission admission,
                                          UpstreamCalls upstream, CacheStorageCharges charges, Clock clock) {
        CachedContentsPort cachedContents = port;
        return new CachedContentCalls(store, cachedContents, admission, upstream, charges, clock);
    }

    @Produces
    @Singleton
    CachedContentCreate cachedContentCreate(CachedContentCalls calls, PricingCatalog pricing,
                                            GenerationPolicy policy, IdGenerator ids) {
        return new CachedContentCreate(calls, pricing, new TokenEstimator(policy.mediaBounds()), ids);
    }

    @Produces
    @Singleton
    CachedContentGet cachedContentGet(CachedContentCalls calls) {
        return new CachedContentGet(calls);
    }

    @Produces
    @Singleton
    CachedContentList cachedContentList(CachedContentCalls calls) {
        return new CachedContentList(calls);
    }

    @Produces
    @Singleton
    CachedContentUpdate cachedContentUpdate(CachedContentCalls calls, PricingCatalog pricing) {
        return new CachedContentUpdate(calls, pricing);
    }

    @Produces
    @Singleton
    CachedContentDelete cachedContentDelete(CachedContentCalls calls) {
        return new CachedContentDelete(calls);
    }

    void onStart(@Observes StartupEvent event, CacheStorageSweep sweep, GemgateConfig config) {
        long period = Math.max(1, config.cachedContents().storageSweepInterval().toMillis());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("gemgate-cache-storage-sweep").factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                LOG.warnf("the cache storage sweep failed (%s); the next round retries", e.getClass().getName());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        sweeper = timer;
    }

    /** Before the budget slices go back (BudgetWiring, priority 2): a charge in progress still reaches the ledger. */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        ScheduledExecutorService timer = sweeper;
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
