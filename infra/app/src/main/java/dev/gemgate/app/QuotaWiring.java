package dev.gemgate.app;

import dev.gemgate.app.passthrough.AdmitAllQuotaLimiter;
import dev.gemgate.domain.quota.AllowanceStore;
import dev.gemgate.domain.quota.ConcurrencyLimitedQuotaLimiter;
import dev.gemgate.domain.quota.LeasedQuotaLimiter;
import dev.gemgate.domain.quota.PermitStore;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.RateLimitPolicy;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The rate limiter: {@link LeasedQuotaLimiter} over the {@link AllowanceStore} bean, with the limits of
 * {@code gemgate.quota.*} (checked at start-up: a limit outside 1 to 10^11 stops the start, naming the setting).
 *
 * <p>Without an {@code AllowanceStore} bean (the PostgreSQL store arrives with its own branch) the limiter is
 * {@link AdmitAllQuotaLimiter}, and a start with limits configured logs a warning that they are not enforced. With one,
 * idle slices are given back every half {@code gemgate.quota.idle-slice-timeout} (a virtual thread), and every slice
 * on a clean shutdown, once the requests in flight are done ({@link GracefulShutdown}) and before the database closes.
 *
 * <p>With a {@link PermitStore} bean too, the concurrency limits ({@code gemgate.quota.*.concurrent-requests}) are
 * enforced by {@link ConcurrencyLimitedQuotaLimiter} around the rate limiter, leasing permits under a random holder id
 * per start; its leases are renewed every {@code gemgate.quota.concurrency-heartbeat} (a virtual thread of their own, so
 * a slow flush never delays a renewal) and given back on a clean shutdown.
 */
@Singleton
public class QuotaWiring {
    private static final Logger LOG = Logger.getLogger(QuotaWiring.class);

    private volatile LeasedQuotaLimiter leased;
    private volatile ConcurrencyLimitedQuotaLimiter concurrency;
    private volatile ScheduledExecutorService flusher;
    private volatile ScheduledExecutorService heartbeat;
    /** This instance's id in the permit store: new at every start, so a restarted instance never renews a dead lease. */
    private final String holder = UUID.randomUUID().toString();

    /**
     * The configured defaults for every tenant, tenant x model and key, used only when no other {@code RateLimitSource}
     * bean exists: {@link RateLimitOverridesWiring}'s {@code OverridingRateLimitSource} (defaults plus admin overrides)
     * replaces it.
     */
    @Produces
    @Singleton
    @DefaultBean
    RateLimitSource rateLimitSource(GemgateConfig config) {
        GemgateConfig.Quota quota = config.quota();
        return RateLimitSource.defaults(limits("tenant", quota.tenant()), limits("tenant-model", quota.tenantModel()),
                limits("key", quota.key()));
    }

    @Produces
    @Singleton
    QuotaLimiter quotaLimiter(RateLimitSource limits, Instance<AllowanceStore> stores,
                              Instance<PermitStore> permitStores, GemgateConfig config) {
        GemgateConfig.Quota quota = config.quota();
        LeasedQuotaLimiter.Settings settings = settings(quota);
        if (!stores.isResolvable()) {
            if (anyLimit(quota)) {
                LOG.warn("gemgate.quota.* sets rate limits but no AllowanceStore is available: they are NOT enforced");
            }
            return new AdmitAllQuotaLimiter();
        }
        leased = new LeasedQuotaLimiter(new RateLimitPolicy(limits), stores.get(), settings);
        if (!permitStores.isResolvable()) {
            return leased;
        }
        concurrency = new ConcurrencyLimitedQuotaLimiter(leased, limits, permitStores.get(), holder,
                concurrencySettings(quota));
        return concurrency;
    }

    /** Builds the limiter at start-up (so a bad setting stops the start) and starts giving idle slices back. */
    void onStart(@Observes StartupEvent event, QuotaLimiter limiter, Clock clock, GemgateConfig config) {
        if (leased == null) {
            return;
        }
        Duration period = config.quota().idleSliceTimeout().dividedBy(2);
        flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("gemgate-quota-flush").factory());
        flusher.scheduleWithFixedDelay(() -> flush(clock), period.toMillis(), Math.max(1, period.toMillis()),
                TimeUnit.MILLISECONDS);
        if (concurrency != null) {
            long beat = Math.max(1, config.quota().concurrencyHeartbeat().toMillis());
            heartbeat = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofVirtual().name("gemgate-concurrency-heartbeat").factory());
            heartbeat.scheduleWithFixedDelay(() -> heartbeat(clock), beat, beat, TimeUnit.MILLISECONDS);
        }
    }

    void onShutdown(@Observes @Priority(2) ShutdownEvent event, Clock clock) {
        ScheduledExecutorService timer = flusher;
        if (timer != null) {
            timer.shutdownNow();
        }
        ScheduledExecutorService beat = heartbeat;
        if (beat != null) {
            beat.shutdownNow();
        }
        ConcurrencyLimitedQuotaLimiter permits = concurrency;
        if (permits != null) {
            try {
                permits.releaseAll(clock.instant());
            } catch (RuntimeException e) {
                LOG.warnf("giving concurrency permits back at shutdown failed (%s); they are free again when the "
                        + "leases expire", e.getClass().getSimpleName());
            }
        }
        LeasedQuotaLimiter limiter = leased;
        if (limiter != null) {
            try {
                limiter.releaseAll(clock.instant());
            } catch (RuntimeException e) {
                LOG.warnf("giving rate-limit slices back at shutdown failed (%s); they are lost until their buckets "
                        + "refill", e.getClass().getSimpleName());
            }
        }
    }

    private void flush(Clock clock) {
        try {
            leased.flush(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("giving idle rate-limit slices back failed (%s); retried at the next flush",
                    e.getClass().getSimpleName());
        }
    }

    private void heartbeat(Clock clock) {
        try {
            concurrency.heartbeat(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("renewing the concurrency leases failed (%s); retried at the next heartbeat",
                    e.getClass().getSimpleName());
        }
    }

    static ConcurrencyLimitedQuotaLimiter.Settings concurrencySettings(GemgateConfig.Quota quota) {
        if (quota.concurrencyHeartbeat().isNegative() || quota.concurrencyHeartbeat().isZero()
                || quota.concurrencyHeartbeat().compareTo(quota.concurrencyLeaseTtl()) >= 0) {
            throw new IllegalStateException("gemgate.quota.concurrency-heartbeat (" + quota.concurrencyHeartbeat()
                    + ") must be positive and below gemgate.quota.concurrency-lease-ttl ("
                    + quota.concurrencyLeaseTtl() + ")");
        }
        try {
            return new ConcurrencyLimitedQuotaLimiter.Settings(quota.sliceFraction(), quota.concurrencyLeaseTtl(),
                    quota.idleSliceTimeout(), quota.concurrencyRetryAfter());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.quota.concurrency-*: " + e.getMessage(), e);
        }
    }

    static LeasedQuotaLimiter.Settings settings(GemgateConfig.Quota quota) {
        try {
            return new LeasedQuotaLimiter.Settings(quota.sliceFraction(), quota.idleSliceTimeout());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.quota.slice-fraction and gemgate.quota.idle-slice-timeout: "
                    + e.getMessage(), e);
        }
    }

    static RateLimits limits(String scope, GemgateConfig.RateLimitSettings settings) {
        String prefix = "gemgate.quota." + scope + ".";
        RateLimits limits = RateLimits.UNLIMITED;
        limits = with(limits, prefix, "requests-per-minute", settings.requestsPerMinute());
        limits = with(limits, prefix, "tokens-per-minute", settings.tokensPerMinute());
        limits = with(limits, prefix, "requests-per-day", settings.requestsPerDay());
        return with(limits, prefix, "concurrent-requests", settings.concurrentRequests());
    }

    /**
     * {@code limits} with the limit {@code name} set to {@code value} when present; a value out of range stops the
     * start naming the setting ({@code prefix} + the message, e.g. {@code gemgate.quota.key.requests-per-minute ...}).
     */
    static RateLimits with(RateLimits limits, String prefix, String name, OptionalLong value) {
        if (value.isEmpty()) {
            return limits;
        }
        try {
            return switch (name) {
                case "requests-per-minute" -> limits.withRequestsPerMinute(value.getAsLong());
                case "tokens-per-minute" -> limits.withTokensPerMinute(value.getAsLong());
                case "concurrent-requests" -> limits.withConcurrentRequests(value.getAsLong());
                default -> limits.withRequestsPerDay(value.getAsLong());
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + e.getMessage(), e);
        }
    }

    private static boolean anyLimit(GemgateConfig.Quota quota) {
        return !limits("tenant", quota.tenant()).isUnlimited() || !limits("tenant-model", quota.tenantModel())
                .isUnlimited() || !limits("key", quota.key()).isUnlimited();
    }
}
