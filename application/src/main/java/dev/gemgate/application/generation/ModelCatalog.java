package dev.gemgate.application.generation;

import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The models Gemgate serves: the upstream's model list, held in memory, intersected (when read) with the models the
 * pricing catalog prices at that moment. The pricing catalog is the allow-list; the upstream's list says which of
 * those exist and what they are (limits, methods, and the rest of Google's model object).
 *
 * <p>Freshness, on the application's {@link Clock} (stale-while-revalidate):
 * <ul>
 *   <li>The first read loads the list from the upstream on the reading thread; concurrent first reads share that one
 *       call.</li>
 *   <li>Once a list is held, no read waits on the upstream. A read made when {@code refreshPeriod} has passed since
 *       the last attempt returns the held list and starts one refresh on {@code refresher}: at most one upstream list
 *       per period, and none while nobody reads.</li>
 *   <li>A failed refresh keeps the held list, served until the upstream answers again; the next attempt comes a
 *       period later.</li>
 *   <li>While the upstream has never answered, a read fails with {@link ServiceUnavailableException} (503 UNAVAILABLE
 *       with Retry-After); for {@code retryAfter} after a failed attempt reads fail at once, without calling.</li>
 * </ul>
 */
public final class ModelCatalog {
    private static final System.Logger LOG = System.getLogger(ModelCatalog.class.getName());

    private final PricingCatalog pricing;
    private final UpstreamKeyVault vault;
    private final GenerationPort upstream;
    private final Clock clock;
    private final Duration timeout;
    private final Duration refreshPeriod;
    private final Duration retryAfter;
    private final Executor refresher;

    private final ReentrantLock firstLoad = new ReentrantLock();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** The upstream's last good answer; null until it first answers. */
    private volatile Listing listing;
    /** When the upstream was last asked; null before the first time. */
    private volatile Instant lastAttempt;
    private volatile boolean lastAttemptFailed;

    /**
     * @param timeout       the deadline of one upstream list (all its pages)
     * @param refreshPeriod how long a list is used before a read starts a refresh (and how long after a failed refresh
     *                      the next one comes)
     * @param retryAfter    while no list was ever loaded: how long after a failed attempt reads fail at once; also
     *                      their Retry-After
     * @param refresher     runs refreshes in the background (a virtual-thread executor in the app)
     */
    public ModelCatalog(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream, Clock clock,
                        Duration timeout, Duration refreshPeriod, Duration retryAfter, Executor refresher) {
        requirePositive(timeout, "timeout");
        requirePositive(refreshPeriod, "refreshPeriod");
        requirePositive(retryAfter, "retryAfter");
        this.pricing = pricing;
        this.vault = vault;
        this.upstream = upstream;
        this.clock = clock;
        this.timeout = timeout;
        this.refreshPeriod = refreshPeriod;
        this.retryAfter = retryAfter;
        this.refresher = refresher;
    }

    /** Every model served now (priced now and listed by the upstream), by name. */
    public List<ModelInfo> served() {
        Instant now = clock.instant();
        List<ModelPrice> priced = pricing.allAt(now);
        if (priced.isEmpty()) {
            return List.of();
        }
        Set<ModelId> names = priced.stream().map(ModelPrice::model).collect(Collectors.toSet());
        return upstreamModels(now, priced.get(0).model()).values().stream()
                .filter(m -> names.contains(m.id()))
                .toList();
    }

    /** {@code model} if it is served now; the upstream is not consulted for a model nobody prices. */
    public Optional<ModelInfo> find(ModelId model) {
        Instant now = clock.instant();
        if (pricing.priceAt(model, now).isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(upstreamModels(now, model).get(model));
    }

    /** What the catalog holds now; reads nothing from the upstream. */
    public Status status() {
        Listing held = listing;
        return new Status(Optional.ofNullable(held).map(Listing::fetchedAt), Optional.ofNullable(lastAttempt),
                lastAttemptFailed, refreshing.get(), held == null ? 0 : held.byId().size());
    }

    /**
     * @param fetchedAt         when the list held was fetched; empty until the upstream first answers
     * @param lastAttempt       when the upstream was last asked
     * @param lastAttemptFailed whether that attempt failed (the list held, if any, is still served)
     * @param refreshing        whether a background refresh is in progress
     * @param upstreamModels    how many models the upstream listed (before the intersection with prices)
     */
    public record Status(Optional<Instant> fetchedAt, Optional<Instant> lastAttempt, boolean lastAttemptFailed,
                         boolean refreshing, int upstreamModels) {
    }

    private Map<ModelId, ModelInfo> upstreamModels(Instant now, ModelId anyServedModel) {
        Listing held = listing;
        if (held == null) {
            return firstLoad(now, anyServedModel).byId();
        }
        if (isDue(now)) {
            refreshInBackground(now, anyServedModel);
        }
        return held.byId();
    }

    private boolean isDue(Instant now) {
        Instant attempted = lastAttempt;
        // a clock that went back (NTP, a test's clock put back) must not postpone refreshes by the jump
        return attempted == null || !now.isBefore(attempted.plus(refreshPeriod)) || now.isBefore(attempted);
    }

    private Listing firstLoad(Instant now, ModelId anyServedModel) {
        firstLoad.lock();
        try {
            Listing held = listing;
            if (held != null) {
                return held;
            }
            Instant attempted = lastAttempt;
            if (attempted != null && lastAttemptFailed && now.isBefore(attempted.plus(retryAfter))
                    && !now.isBefore(attempted)) {
                throw unavailable(Duration.between(now, attempted.plus(retryAfter)), null);
            }
            try {
                return fetch(now, anyServedModel);
            } catch (RuntimeException e) {
                throw unavailable(retryAfter, e);
            }
        } finally {
            firstLoad.unlock();
        }
    }

    private void refreshInBackground(Instant now, ModelId anyServedModel) {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        lastAttempt = now; // before the task starts, so that reads meanwhile do not find it due again
        try {
            refresher.execute(() -> {
                try {
                    fetch(clock.instant(), anyServedModel);
                } catch (RuntimeException keepServingTheHeldList) {
                    // logged by fetch
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            refreshing.set(false);
        }
    }

    /** Asks the upstream and keeps its answer; a failure leaves the held list in place. */
    private Listing fetch(Instant now, ModelId anyServedModel) {
        lastAttempt = now;
        try {
            Listing fresh = Listing.of(upstream.listModels(vault.select(anyServedModel), timeout), now);
            if (lastAttemptFailed) {
                LOG.log(System.Logger.Level.INFO, "the upstream listed its models again (" + fresh.byId().size()
                        + " models)");
            }
            lastAttemptFailed = false;
            listing = fresh;
            return fresh;
        } catch (RuntimeException e) {
            lastAttemptFailed = true;
            Listing held = listing;
            String serving = held == null ? "no model list is held yet; model reads answer 503"
                    : "serving the list from " + held.fetchedAt();
            // concatenated, not a MessageFormat pattern: an apostrophe in a message would swallow the rest
            if (e instanceof UpstreamException u) {
                LOG.log(System.Logger.Level.WARNING, "listing the upstream's models failed (" + u.kind() + "): "
                        + u.getMessage() + "; " + serving);
            } else {
                LOG.log(System.Logger.Level.ERROR, "listing the upstream's models failed unexpectedly; " + serving, e);
            }
            throw e;
        }
    }

    private static ServiceUnavailableException unavailable(Duration retryIn, RuntimeException cause) {
        long seconds = Math.max(1, (retryIn.toMillis() + 999) / 1000);
        String why = cause instanceof UpstreamException u ? " (" + u.kind() + ")" : "";
        return new ServiceUnavailableException("The gateway has no model list yet: the upstream did not list its "
                + "models" + why + ". Retry in " + seconds + "s.", retryIn, cause);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** The upstream's models by name, in name order, and when they were fetched. */
    private record Listing(Map<ModelId, ModelInfo> byId, Instant fetchedAt) {
        static Listing of(List<ModelInfo> models, Instant fetchedAt) {
            Map<ModelId, ModelInfo> byId = new LinkedHashMap<>();
            models.stream().sorted(Comparator.comparing(m -> m.id().value()))
                    .forEach(m -> byId.putIfAbsent(m.id(), m));
            return new Listing(Collections.unmodifiableMap(byId), fetchedAt);
        }
    }
}
