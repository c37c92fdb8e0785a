package dev.gemgate.app;

import dev.gemgate.application.port.AlertMetrics;
import dev.gemgate.domain.budget.BudgetScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code gemgate_budget_alerts_total{scope,percent}}: budget thresholds crossed, counted once fleet-wide per crossing
 * (by the replica whose lease crossed it; sum over replicas). {@code scope} is TENANT, API_KEY or END_USER and
 * {@code percent} a threshold (1 to 100, ascending per budget), so the series are at most 300; the configured thresholds'
 * series exist from start-up at 0. No tenant label (tenants are in the audit event). Also
 * {@code gemgate_budget_alerts_dropped_total}: alerts lost (the in-memory queue was full, or recording one kept failing
 * for another reason than a database outage).
 */
@Singleton
public class MicrometerAlertMetrics implements AlertMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter dropped;

    public MicrometerAlertMetrics(MeterRegistry registry, GemgateConfig config) {
        this.registry = registry;
        GemgateConfig.Budget budget = config.budget();
        register(BudgetScope.TENANT, budget.tenant().alertPercents().orElse(List.of()));
        register(BudgetScope.API_KEY, budget.key().alertPercents().orElse(List.of()));
        register(BudgetScope.END_USER, budget.endUser().alertPercents().orElse(List.of()));
        this.dropped = Counter.builder("gemgate.budget.alerts.dropped")
                .description("Budget alerts lost: the queue of alerts to record was full, or recording one kept failing").register(registry);
    }

    @Override
    public void budgetThresholdCrossed(BudgetScope scope, int percent) {
        counter(scope, percent).increment();
    }

    void dropped() {
        dropped.increment();
    }

    private void register(BudgetScope scope, List<Integer> percents) {
        percents.forEach(p -> counter(scope, p));
    }

    private Counter counter(BudgetScope scope, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a threshold is 1 to 100 percent: " + percent);
        }
        return counters.computeIfAbsent(scope + ":" + percent, k -> Counter.builder("gemgate.budget.alerts")
                .description("Budget soft thresholds crossed (once fleet-wide per crossing)")
                .tag("scope", scope.name()).tag("percent", Integer.toString(percent)).register(registry));
    }
}
