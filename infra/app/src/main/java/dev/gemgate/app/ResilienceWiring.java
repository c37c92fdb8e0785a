package dev.gemgate.app;

import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.port.ResilienceMetrics;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.upstream.ReadUpstreamHealth;
import dev.gemgate.domain.common.Backoff;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.upstream.CredentialChangeListener;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.FallbackPolicySource;
import dev.gemgate.domain.upstream.RetryBudget;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import dev.gemgate.domain.upstream.UpstreamRetryPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The resilience of the upstream path: the credential pool (the configured credential and those added through the
 * admin API, reloaded every {@code gemgate.upstream.pool.refresh} and at once after a change here), the retry budget
 * and policy, the deadline, and the one {@link UpstreamCalls} every generation use case calls the upstream through.
 * Settings that make no sense stop the start, naming the setting.
 */
@Singleton
public class ResilienceWiring {
    private static final Logger LOG = Logger.getLogger(ResilienceWiring.class);

    private volatile PeriodicReload poolRefresher;

    @Produces
    @Singleton
    @Typed({CredentialPool.class, UpstreamKeyVault.class})
    CredentialPool pool(ConfiguredUpstream configured, UpstreamCredentialStore store, UpstreamGate gate,
                        UpstreamCircuits circuits, Clock clock, MicrometerResilienceMetrics metrics,
                        AdminAudit audit, GemgateConfig config) {
        GemgateConfig.Upstream.Pool settings = config.upstream().pool();
        if (!settings.refresh().isPositive() || settings.rejectedQuarantine().isNegative()) {
            throw new IllegalStateException("gemgate.upstream.pool.refresh must be positive and "
                    + "gemgate.upstream.pool.rejected-quarantine not negative");
        }
        UpstreamCredential own = configured.credential();
        try {
            store.registerConfigured(own.id(), own.mode(), own.baseUrl(), clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("The upstream credential pool could not be read (%s); the configured credential serves alone "
                    + "until it can", e.getClass().getSimpleName());
        }
        CredentialPool pool = new CredentialPool(Optional.of(own), store, gate, circuits, clock,
                () -> ThreadLocalRandom.current().nextDouble(), settings.rejectedQuarantine(),
                (id, status, until) -> {
                    metrics.rejected(id, status, until);
                    try {
                        store.find(id).ifPresent(entry -> audit.upstreamCredentialRejected(entry, "the upstream "
                                + "answered HTTP " + status + "; held out until " + until));
                    } catch (RuntimeException e) {
                        LOG.warnf("Recording the rejection of upstream credential %s failed (%s)", id,
                                e.getClass().getSimpleName());
                    }
                });
        reloadQuietly(pool);
        metrics.watch(pool);
        return pool;
    }

    private static void reloadQuietly(CredentialPool pool) {
        try {
            pool.reload();
        } catch (RuntimeException e) {
            LOG.warnf("The upstream credential pool could not be reloaded (%s); the last one serves",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * A change made through the admin API on this replica is in force here at once; the circuits of a credential
     * deleted from the pool are forgotten.
     */
    @Produces
    @Singleton
    CredentialChangeListener poolChanged(CredentialPool pool, GuardedGenerationPort guarded) {
        return () -> {
            reloadQuietly(pool);
            forgetDeleted(pool, guarded);
        };
    }

    private static void forgetDeleted(CredentialPool pool, GuardedGenerationPort guarded) {
        Set<UpstreamCredentialId> members = new HashSet<>();
        pool.members().forEach(m -> members.add(m.credential().id()));
        for (UpstreamCredentialId id : guarded.states().keySet()) {
            if (!members.contains(id)) {
                guarded.forget(id);
            }
        }
    }

    @Produces
    @Singleton
    ReadUpstreamHealth readUpstreamHealth(CredentialPool pool) {
        return new ReadUpstreamHealth(pool);
    }

    @Produces
    @Singleton
    RetryBudget retryBudget(GemgateConfig config, Clock clock) {
        GemgateConfig.Upstream.Retry retry = config.upstream().retry();
        try {
            return new RetryBudget(new RetryBudget.Settings(retry.budgetRatio(), retry.budgetMinPerSecond(),
                    retry.budgetMaxBalance()), clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.upstream.retry.budget-*: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    UpstreamCalls upstreamCalls(UpstreamKeyVault vault, GenerationPort port, RetryBudget budget,
                                FallbackPolicySource fallbacks, PricingCatalog pricing, Clock clock,
                                ResilienceMetrics metrics, GemgateConfig config) {
        GemgateConfig.Upstream upstream = config.upstream();
        GemgateConfig.Upstream.Retry retry = upstream.retry();
        UpstreamCalls.Settings settings;
        try {
            settings = new UpstreamCalls.Settings(upstream.deadline(), upstream.timeout(),
                    new UpstreamRetryPolicy(retry.maxAttempts(),
                            new Backoff(retry.initialBackoff(), retry.maxBackoff())));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.upstream.deadline, timeout and retry.*: " + e.getMessage(), e);
        }
        return new UpstreamCalls(vault, port, budget, fallbacks, pricing, clock, UpstreamCalls.Sleeper.REAL,
                () -> ThreadLocalRandom.current().nextDouble(), settings, metrics);
    }

    void onStart(@Observes StartupEvent event, CredentialPool pool, GuardedGenerationPort guarded,
                 GemgateConfig config) {
        poolRefresher = new PeriodicReload("upstream credentials", () -> {
            pool.reload();
            forgetDeleted(pool, guarded);
        }, () -> pool.members().size());
        poolRefresher.start(config.upstream().pool().refresh(), "gemgate-upstream-pool");
    }

    void onShutdown(@Observes ShutdownEvent event) {
        PeriodicReload refresher = poolRefresher;
        if (refresher != null) {
            refresher.stop();
        }
    }
}
