package dev.gemgate.app;

import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.GetBudget;
import dev.gemgate.application.budget.GetSpendingPolicy;
import dev.gemgate.application.budget.ListBudgets;
import dev.gemgate.application.budget.ReadBudgetStandings;
import dev.gemgate.application.budget.RemoveBudget;
import dev.gemgate.application.budget.ReplaceBudget;
import dev.gemgate.application.budget.SetSpendingPolicy;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicyStore;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.budget.StoredSpendingPolicySource;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The budgets and spending policies set through the admin API, and the use cases that change them.
 *
 * <p>{@link StoredBudgetSource} (a {@code BudgetSource} bean: the ledger's, see {@link BudgetWiring}) merges the stored
 * budgets with the configured defaults of {@code gemgate.budget.<scope>.*}: a stored budget of a scope replaces the
 * configured default of that scope for its tenant, key or end user, and a tenant's {@code "*"} end-user budget is the
 * default of each of its end users, which a named end user's own budget replaces for that user (period by period).
 * {@link StoredSpendingPolicySource} (a {@code SpendingPolicySource} bean) serves each tenant's spending policy, and the
 * configured one ({@code gemgate.budget.spending.*}, else {@link SpendingPolicy#DEFAULT}) to a tenant without one.
 *
 * <p>Both are in-memory snapshots, read from the database at start-up and then every {@code gemgate.budget.refresh}
 * (default 5 s, {@link PeriodicReload}): a change made on another replica is in force here within that period, one made
 * on this instance at once; a failed reload keeps the last snapshot. The request path never reads the database for
 * them.
 */
@Singleton
public class BudgetAdminWiring {
    private volatile PeriodicReload budgetRefresher;
    private volatile PeriodicReload policyRefresher;

    @Produces
    @Singleton
    StoredBudgetSource budgets(GemgateConfig config, BudgetRepository repository) {
        checkRefresh(config);
        return new StoredBudgetSource(BudgetWiring.source(config.budget()), repository);
    }

    @Produces
    @Singleton
    StoredSpendingPolicySource spendingPolicies(GemgateConfig config, SpendingPolicyStore store) {
        checkRefresh(config);
        return new StoredSpendingPolicySource(
                UseCaseProducers.configuredSpendingPolicy(config.budget().spending()), store);
    }

    private static void checkRefresh(GemgateConfig config) {
        if (!config.budget().refresh().isPositive()) {
            throw new IllegalStateException("gemgate.budget.refresh must be positive: " + config.budget().refresh());
        }
    }

    void onStart(@Observes StartupEvent event, StoredBudgetSource budgets, StoredSpendingPolicySource policies,
                 GemgateConfig config) {
        budgetRefresher = new PeriodicReload("budgets", budgets::reload, budgets::size);
        budgetRefresher.start(config.budget().refresh(), "gemgate-budgets");
        policyRefresher = new PeriodicReload("spending policies", policies::reload, policies::size);
        policyRefresher.start(config.budget().refresh(), "gemgate-spending-policies");
    }

    void onShutdown(@Observes ShutdownEvent event) {
        for (PeriodicReload refresher : new PeriodicReload[] {budgetRefresher, policyRefresher}) {
            if (refresher != null) {
                refresher.stop();
            }
        }
    }

    @Produces
    @Singleton
    ListBudgets listBudgets(TenantRepository tenants, BudgetRepository budgets) {
        return new ListBudgets(tenants, budgets);
    }

    /** The portal's budgets with their spend so far, from the ledger's settled rows. */
    @Produces
    @Singleton
    ReadBudgetStandings readBudgetStandings(TenantRepository tenants, BudgetRepository budgets, BudgetStore ledger,
                                            Clock clock) {
        return new ReadBudgetStandings(tenants, budgets, ledger, clock);
    }

    @Produces
    @Singleton
    GetBudget getBudget(TenantRepository tenants, BudgetRepository budgets) {
        return new GetBudget(tenants, budgets);
    }

    @Produces
    @Singleton
    AddBudget addBudget(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets,
                        StoredBudgetSource source, AdminAudit audit, IdGenerator ids, Clock clock) {
        return new AddBudget(tenants, keys, budgets, source, audit, ids, clock);
    }

    @Produces
    @Singleton
    ReplaceBudget replaceBudget(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets,
                                StoredBudgetSource source, AdminAudit audit, Clock clock) {
        return new ReplaceBudget(tenants, keys, budgets, source, audit, clock);
    }

    @Produces
    @Singleton
    RemoveBudget removeBudget(TenantRepository tenants, ApiKeyRepository keys, BudgetRepository budgets,
                              StoredBudgetSource source, AdminAudit audit, Clock clock) {
        return new RemoveBudget(tenants, keys, budgets, source, audit, clock);
    }

    @Produces
    @Singleton
    GetSpendingPolicy getSpendingPolicy(TenantRepository tenants, SpendingPolicyStore store,
                                        StoredSpendingPolicySource source) {
        return new GetSpendingPolicy(tenants, store, source);
    }

    @Produces
    @Singleton
    SetSpendingPolicy setSpendingPolicy(TenantRepository tenants, SpendingPolicyStore store,
                                        StoredSpendingPolicySource source, AdminAudit audit) {
        return new SetSpendingPolicy(tenants, store, source, audit);
    }
}
