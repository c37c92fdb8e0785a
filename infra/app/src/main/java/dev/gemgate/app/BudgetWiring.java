package dev.gemgate.app;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetSource;
import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.LeasedBudgetLedger;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The budget ledger: {@link LeasedBudgetLedger} over the {@link BudgetStore} bean (PostgreSQL), with the budgets in
 * force from {@link BudgetAdminWiring}'s {@link StoredBudgetSource}: those set through the admin API over the defaults
 * of {@code gemgate.budget.*} ({@link #source}, checked at start-up: a bad limit, period or zone stops the start,
 * naming the setting). Expired reservations (of an instance that died) are settled at their reserved amount every
 * {@code gemgate.budget.sweep-interval} on a virtual thread; unused slices go back on a clean shutdown, once the
 * requests in flight are done and their settlements written, and before the database closes. Settlements are written
 * off the request path (a response never waits for its settlement row). Without any budget set, a reservation touches
 * nothing. By default ({@code gemgate.budget.durability=slice}) a request writes no ledger row: its reservation is
 * held in memory against the instance's leased slice, and what settlements charge is written every
 * {@code gemgate.budget.charge-interval} on the same virtual thread, one settled entry per set of budgets, and on a
 * clean shutdown before the slices go back.
 */
@Singleton
public class BudgetWiring {
    private static final Logger LOG = Logger.getLogger(BudgetWiring.class);
    /** Settlements are written off the request path, one virtual thread each; the store group-commits them. */
    private static final Executor SETTLEMENTS = command -> Thread.ofVirtual().name("gemgate-budget-settle")
            .start(command);
    /** How long a clean shutdown waits for settlements being written before giving the slices back. */
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(5);

    private volatile LeasedBudgetLedger ledger;
    private volatile ScheduledExecutorService sweeper;

    @Produces
    @Singleton
    BudgetLedger budgetLedger(BudgetStore store, StoredBudgetSource budgets, GemgateConfig config, Clock clock,
                              AlertWiring alerts, BudgetUtilizationMetrics utilization) {
        GemgateConfig.Budget budget = config.budget();
        ledger = new LeasedBudgetLedger(store, budgets, "gemgate-" + UUID.randomUUID(), budget.slicesPerLimit(),
                budget.reservationTtl(), clock.instant().minus(budget.reservationTtl().multipliedBy(2)),
                alerts::offer, SETTLEMENTS, budget.durability());
        ledger.observeCommitments(utilization::committed);
        return ledger;
    }

    /** Builds the ledger at start-up (so a bad setting stops the start) and starts settling expired reservations. */
    void onStart(@Observes StartupEvent event, BudgetLedger built, Clock clock, GemgateConfig config) {
        long period = config.budget().sweepInterval().toMillis();
        sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("gemgate-budget-sweep").factory());
        sweeper.scheduleWithFixedDelay(() -> sweep(clock), period, Math.max(1, period), TimeUnit.MILLISECONDS);
        if (config.budget().durability() == LeasedBudgetLedger.Durability.SLICE) {
            long every = Math.max(1, config.budget().chargeInterval().toMillis());
            sweeper.scheduleWithFixedDelay(() -> writeCharges(clock), every, every, TimeUnit.MILLISECONDS);
        }
    }

    void onShutdown(@Observes @Priority(2) ShutdownEvent event, Clock clock) {
        ScheduledExecutorService timer = sweeper;
        if (timer != null) {
            timer.shutdownNow();
        }
        LeasedBudgetLedger built = ledger;
        if (built != null) {
            try {
                built.flush(clock.instant(), SETTLE_WAIT);
            } catch (RuntimeException e) {
                LOG.warnf("giving budget slices back at shutdown failed (%s); that money stays unused until the "
                        + "period ends", e.getClass().getSimpleName());
            }
        }
    }

    private void writeCharges(Clock clock) {
        try {
            ledger.writeCharges(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("writing budget charges failed (%s); they are kept and retried at the next interval",
                    e.getClass().getSimpleName());
        }
    }

    private void sweep(Clock clock) {
        try {
            ledger.sweep(clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("settling expired budget reservations failed (%s); retried at the next sweep",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * The configured budgets of every tenant, API key and end user, in the ledger's lock order: the defaults that budgets
     * set through the admin API replace scope by scope ({@link StoredBudgetSource}).
     */
    static BudgetSource source(GemgateConfig.Budget config) {
        Optional<Template> tenant = template("tenant", config.tenant());
        Optional<Template> key = template("key", config.key());
        Optional<Template> endUser = template("end-user", config.endUser());
        if (tenant.isEmpty() && key.isEmpty() && endUser.isEmpty()) {
            return (t, k, u) -> List.of();
        }
        return (t, k, u) -> {
            List<Budget> budgets = new ArrayList<>(3);
            tenant.ifPresent(b -> budgets.add(new Budget(t, Optional.empty(), Optional.empty(), b.period(), b.zone(),
                    b.limit(), b.alerts())));
            if (k.isPresent()) {
                key.ifPresent(b -> budgets.add(new Budget(t, k, Optional.empty(), b.period(), b.zone(), b.limit(),
                        b.alerts())));
            }
            if (u.isPresent()) {
                endUser.ifPresent(b -> budgets.add(new Budget(t, Optional.empty(), u, b.period(), b.zone(), b.limit(),
                        b.alerts())));
            }
            return budgets;
        };
    }

    private record Template(BudgetPeriod period, ZoneId zone, Money limit, List<Integer> alerts) {
    }

    private static Optional<Template> template(String scope, GemgateConfig.BudgetSettings settings) {
        if (settings.limitUsd().isEmpty()) {
            return Optional.empty();
        }
        String prefix = "gemgate.budget." + scope + ".";
        Money limit;
        try {
            limit = Money.ofDollars(settings.limitUsd().get().strip());
        } catch (RuntimeException e) {
            throw new IllegalStateException(prefix + "limit-usd must be an amount of US dollars above 0 with at most 6 "
                    + "decimals, not '" + settings.limitUsd().get() + "'", e);
        }
        BudgetPeriod period;
        try {
            period = BudgetPeriod.valueOf(settings.period().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + "period must be daily, weekly, monthly or lifetime, not '"
                    + settings.period() + "'", e);
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(settings.zone().strip());
        } catch (DateTimeException e) {
            throw new IllegalStateException(prefix + "zone must be a time zone such as UTC or Europe/Paris, not '"
                    + settings.zone() + "'", e);
        }
        try {
            Template template = new Template(period, zone, limit, settings.alertPercents().orElse(List.of()));
            // validates the limit and thresholds as a budget would
            new Budget(new TenantId(new UUID(0, 0)), Optional.empty(), Optional.empty(),
                    period, zone, limit, template.alerts());
            return Optional.of(template);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + e.getMessage(), e);
        }
    }
}
