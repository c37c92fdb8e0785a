package dev.gemgate.app;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.common.Money;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code gemgate_budget_utilization_ratio{tenant,scope,period}}: the share of a budget's limit committed fleet-wide
 * (settled, reserved or leased to replicas: an upper bound of the spend, early by at most the slices replicas hold),
 * as this replica last saw it when it leased from the account; 0 once the period has reset. Several budgets of one
 * tenant, scope and period (each API key's, each end user's) share one series, which shows the highest of them: the
 * labels stay bounded by the tenants an admin created (scope: tenant, api_key, end_user; period: daily, weekly,
 * monthly, lifetime). Replicas may each show an older view: aggregate with {@code max}.
 */
@Singleton
public class BudgetUtilizationMetrics {
    private record Labels(String tenant, String scope, String period) {
    }

    /** The highest ratio committed in the running period, and when that period ends. */
    private static final class Standing {
        private double ratio;
        private Instant resetsAt = Instant.MIN;

        synchronized void observe(double committed, Instant until, Instant now) {
            if (!now.isBefore(resetsAt)) {
                ratio = committed;
                resetsAt = until;
            } else {
                ratio = Math.max(ratio, committed);
                resetsAt = until.isAfter(resetsAt) ? until : resetsAt;
            }
        }

        synchronized double at(Instant now) {
            return now.isBefore(resetsAt) ? ratio : 0;
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final ConcurrentHashMap<Labels, Standing> standings = new ConcurrentHashMap<>();

    public BudgetUtilizationMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** One lease's view of {@code budget}'s account: {@code committed} of its limit, until {@code resetsAt}. */
    public void committed(Budget budget, Money committed, Instant resetsAt) {
        Labels labels = new Labels(budget.tenant().toString(), budget.scope().name().toLowerCase(Locale.ROOT),
                budget.period().name().toLowerCase(Locale.ROOT));
        standings.computeIfAbsent(labels, this::register)
                .observe((double) committed.micros() / budget.limit().micros(), resetsAt, clock.instant());
    }

    private Standing register(Labels labels) {
        Standing standing = new Standing();
        Gauge.builder("gemgate.budget.utilization.ratio", standing, s -> s.at(clock.instant()))
                .description("Share of a budget's limit committed fleet-wide in its running period (highest of the "
                        + "tenant's budgets of that scope and period)")
                .tags("tenant", labels.tenant(), "scope", labels.scope(), "period", labels.period())
                .strongReference(true).register(registry);
        return standing;
    }
}
