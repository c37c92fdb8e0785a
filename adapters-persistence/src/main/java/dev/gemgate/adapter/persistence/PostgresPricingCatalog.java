package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PriceBook;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.common.ConflictException;
import org.hibernate.exception.ConstraintViolationException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaQuery;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@link PricingCatalog} on the {@code model_prices} table, served from memory: every request prices itself, so
 * {@link #priceAt} must not touch the database. The whole table (a few rows per model) is held as an immutable
 * snapshot, replaced every {@code gemgate.pricing.refresh} (default 30 s) and on {@link #reload()}; a price row
 * inserted in the database is therefore in force on every replica within one refresh interval. A failed refresh
 * keeps the previous snapshot (prices rarely change; refusing all traffic because a read failed would be worse).
 * As the {@link PriceBook} it only ever inserts a row (never updates or deletes one) and reloads this instance's
 * snapshot at once; the other replicas see the row within one refresh interval.
 */
@ApplicationScoped
public class PostgresPricingCatalog implements PricingCatalog, PriceBook {
    private static final Logger LOG = Logger.getLogger(PostgresPricingCatalog.class);

    private final Duration refreshInterval;
    private volatile Snapshot snapshot;
    private ScheduledExecutorService refresher;

    @Inject
    public PostgresPricingCatalog(
            @ConfigProperty(name = "gemgate.pricing.refresh", defaultValue = "30s") Duration refreshInterval) {
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("gemgate.pricing.refresh must be positive");
        }
        this.refreshInterval = refreshInterval;
    }

    void onStart(@Observes StartupEvent event) {
        // A database that is not reachable yet must not stop the application from starting: the refresher keeps
        // trying, and a price lookup before the first successful load tries once more and fails loudly.
        refreshQuietly();
        startRefreshing();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopRefreshing();
    }

    @Override
    public Optional<ModelPrice> priceAt(ModelId model, Instant at) {
        return current().priceAt(model, at);
    }

    @Override
    public List<ModelPrice> allAt(Instant at) {
        return current().allAt(at);
    }

    /**
     * Rereads the table now and swaps the snapshot in; returns the number of price rows loaded. A criteria query, not
     * HQL, since the first load is on the start-up path ({@link PostgresTenantRepository#findByName} says why).
     */
    public int reload() {
        List<ModelPrice> rows = QuarkusTransaction.joiningExisting().call(() -> {
            EntityManager entityManager = ModelPriceEntity.getEntityManager();
            CriteriaQuery<ModelPriceEntity> all = entityManager.getCriteriaBuilder().createQuery(ModelPriceEntity.class);
            all.select(all.from(ModelPriceEntity.class));
            return entityManager.createQuery(all).getResultStream().map(ModelPriceEntity::toDomain).toList();
        });
        snapshot = Snapshot.of(rows);
        return rows.size();
    }

    @Override
    public List<ModelPrice> history() {
        return current().history();
    }

    @Override
    public void add(ModelPrice price) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                ModelPriceEntity.Key key = new ModelPriceEntity.Key();
                key.model = price.model().value();
                key.effectiveFrom = price.effectiveFrom();
                if (ModelPriceEntity.findById(key) != null) {
                    throw duplicate(price);
                }
                ModelPriceEntity entity = ModelPriceEntity.of(price);
                entity.persist();
                entity.flush();
            });
        } catch (ConstraintViolationException e) {
            throw duplicate(price);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof ConstraintViolationException) {
                throw duplicate(price);
            }
            throw e;
        }
        reload();
    }

    private static ConflictException duplicate(ModelPrice price) {
        return new ConflictException("model " + price.model().value() + " already has a price from "
                + price.effectiveFrom() + "; a price is never replaced, add one from a later date");
    }

    /** The refresh interval in force ({@code gemgate.pricing.refresh}). */
    public Duration refreshInterval() {
        return refreshInterval;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s == null) {
            synchronized (this) {
                if (snapshot == null) {
                    reload();
                }
                s = snapshot;
            }
        }
        return s;
    }

    private synchronized void startRefreshing() {
        if (refresher != null) {
            return;
        }
        refresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("gemgate-pricing-refresh").factory());
        long millis = refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warnf("pricing refresh failed, keeping the previous snapshot: %s", e.toString());
        }
    }

    @PreDestroy
    synchronized void stopRefreshing() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }

    /** All prices, per model newest first, immutable once built. */
    private record Snapshot(Map<ModelId, List<ModelPrice>> newestFirstByModel) {
        static Snapshot of(List<ModelPrice> rows) {
            Map<ModelId, List<ModelPrice>> byModel = new HashMap<>();
            for (ModelPrice row : rows) {
                byModel.computeIfAbsent(row.model(), m -> new ArrayList<>()).add(row);
            }
            Map<ModelId, List<ModelPrice>> frozen = new HashMap<>();
            byModel.forEach((model, prices) -> {
                prices.sort(Comparator.comparing(ModelPrice::effectiveFrom).reversed());
                frozen.put(model, List.copyOf(prices));
            });
            return new Snapshot(Map.copyOf(frozen));
        }

        Optional<ModelPrice> priceAt(ModelId model, Instant at) {
            List<ModelPrice> prices = newestFirstByModel.get(model);
            if (prices != null) {
                for (ModelPrice price : prices) {
                    if (!price.effectiveFrom().isAfter(at)) {
                        return Optional.of(price);
                    }
                }
            }
            return Optional.empty();
        }

        List<ModelPrice> history() {
            List<ModelPrice> result = new ArrayList<>();
            newestFirstByModel.values().forEach(result::addAll);
            result.sort(Comparator.comparing((ModelPrice p) -> p.model().value())
                    .thenComparing(ModelPrice::effectiveFrom));
            return List.copyOf(result);
        }

        List<ModelPrice> allAt(Instant at) {
            List<ModelPrice> result = new ArrayList<>();
            for (ModelId model : newestFirstByModel.keySet()) {
                priceAt(model, at).ifPresent(result::add);
            }
            result.sort(Comparator.comparing(p -> p.model().value()));
            return List.copyOf(result);
        }
    }
}
