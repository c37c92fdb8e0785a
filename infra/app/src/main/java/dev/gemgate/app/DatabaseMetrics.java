package dev.gemgate.app;

import dev.gemgate.adapter.persistence.DatabaseGuard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * {@code gemgate_database_available}: 1 while the gateway's database guard lets calls through, 0 while it answers
 * requests that need PostgreSQL with 503 at once (its circuit is open after connectivity failures). The pool itself is
 * measured by Agroal's own meters ({@code agroal_*{datasource="default"}}, {@code quarkus.datasource.metrics.enabled}).
 */
@Startup
@Singleton
public class DatabaseMetrics {
    private final MeterRegistry registry;
    private final Gauge available;

    public DatabaseMetrics(MeterRegistry registry, DatabaseGuard guard) {
        this.registry = registry;
        this.available = Gauge.builder("gemgate.database.available", guard, g -> g.isAvailable() ? 1 : 0)
                .description("1 while the database is reachable as far as the gateway knows, 0 while requests that "
                        + "need it are refused with 503").strongReference(true).register(registry);
    }

    /** The gauge reads this application's guard: it leaves with it (several boots in one JVM, as in the tests). */
    @PreDestroy
    void unregister() {
        registry.remove(available);
    }
}
