package dev.gemgate.app;

import dev.gemgate.adapter.gemini.GenAiBatchesAdapter;
import dev.gemgate.adapter.gemini.GenAiGenerationAdapter;
import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.resource.BatchCancel;
import dev.gemgate.application.resource.BatchCreate;
import dev.gemgate.application.resource.BatchDelete;
import dev.gemgate.application.resource.BatchGet;
import dev.gemgate.application.resource.BatchList;
import dev.gemgate.application.resource.BatchPoller;
import dev.gemgate.application.resource.BatchSettings;
import dev.gemgate.application.resource.BatchSettlement;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Batch API through Gemgate (issue 19): the {@link BatchesPort} on the SDK clients of the generation adapter, the
 * batch use cases, and the poller, which runs a round every {@code gemgate.batches.poll-interval} on a virtual thread
 * of its own (each replica; the jobs' leases keep every job to one replica at a time). Settings from
 * {@code gemgate.batches.*}; a bad one stops the start naming it.
 */
@Singleton
public class BatchesWiring {
    private static final Logger LOG = Logger.getLogger(BatchesWiring.class);
    private volatile ScheduledExecutorService timer;

    @Produces
    @Singleton
    BatchesPort batchesPort(GenAiGenerationAdapter generation) {
        return new GenAiBatchesAdapter(generation);
    }

    @Produces
    @Singleton
    BatchSettings batchSettings(GemgateConfig config) {
        GemgateConfig.Batches b = config.batches();
        try {
            return new BatchSettings(b.reservationTtl(), b.firstPoll(), b.maxPollGap(), b.pollLease(), b.pollBatch(),
                    b.callTimeout(), b.fileOutputTokensPerRequest());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.batches.*: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    BatchSettlement batchSettlement(PricingCatalog pricing, Admission admission, BatchesPort batches,
                                    UpstreamKeyVault vault, TenantResources resources, BatchJobs jobs,
                                    IdGenerator ids, Clock clock, BatchSettings settings) {
        return new BatchSettlement(pricing, admission, batches, vault, resources, jobs, ids, clock, settings);
    }

    @Produces
    @Singleton
    BatchCreate batchCreate(PricingCatalog pricing, UpstreamCalls upstream, Admission admission, BatchesPort batches,
                            TenantResources resources, BatchJobs jobs, IdGenerator ids, Clock clock,
                            GenerationPolicy policy, BatchSettings settings) {
        return new BatchCreate(pricing, upstream, admission, batches, resources, jobs, ids, clock, policy, settings);
    }

    @Produces
    @Singleton
    BatchGet batchGet(UpstreamCalls upstream, Admission admission, BatchesPort batches, TenantResources resources,
                      BatchSettlement settlement, Clock clock) {
        return new BatchGet(upstream, admission, batches, resources, settlement, clock);
    }

    @Produces
    @Singleton
    BatchList batchList(Admission admission, TenantResources resources) {
        return new BatchList(admission, resources);
    }

    @Produces
    @Singleton
    BatchCancel batchCancel(UpstreamCalls upstream, Admission admission, BatchesPort batches,
                            TenantResources resources) {
        return new BatchCancel(upstream, admission, batches, resources);
    }

    @Produces
    @Singleton
    BatchDelete batchDelete(UpstreamCalls upstream, Admission admission, BatchesPort batches, UpstreamKeyVault vault,
                            TenantResources resources, BatchJobs jobs, BatchSettlement settlement, Clock clock,
                            BatchSettings settings) {
        return new BatchDelete(upstream, admission, batches, vault, resources, jobs, settlement, clock, settings);
    }

    @Produces
    @Singleton
    BatchPoller batchPoller(BatchJobs jobs, TenantResources resources, BatchesPort batches, UpstreamKeyVault vault,
                            BatchSettlement settlement, Clock clock, BatchSettings settings) {
        return new BatchPoller(jobs, resources, batches, vault, settlement, clock, settings,
                "gemgate-" + UUID.randomUUID());
    }

    void onStart(@Observes StartupEvent event, GemgateConfig config, BatchPoller poller) {
        if (!config.batches().pollerEnabled()) {
            return;
        }
        long period = config.batches().pollInterval().toMillis();
        if (period <= 0) {
            throw new IllegalStateException("gemgate.batches.poll-interval must be positive");
        }
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("gemgate-batch-poller").factory());
        started.scheduleWithFixedDelay(() -> round(poller), period, period, TimeUnit.MILLISECONDS);
        timer = started;
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        ScheduledExecutorService started = timer;
        if (started != null) {
            started.shutdownNow();
        }
    }

    private static void round(BatchPoller poller) {
        try {
            poller.pollDue();
        } catch (RuntimeException e) {
            LOG.warnf("a batch poll round failed (%s); the next round tries again", e.getClass().getSimpleName());
        }
    }
}
