package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.ReloadableSnapshot;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link BudgetSource} of production: the configured default budgets ({@code defaults}) merged with the budgets
 * admins stored through {@link BudgetRepository}, answered from memory (every reservation asks; no store read per
 * request). The stored budgets are a {@link ReloadableSnapshot}: reloaded periodically, amended at once by
 * {@link #put}/{@link #remove} after a change made on this instance.
 *
 * <p>The merge, scope by scope (tenant, API key, end user: the ledger's lock order, in which the result is sorted,
 * then by period):
 * <ul>
 *   <li>a tenant's stored TENANT budgets, if it has any, replace the configured tenant budgets for that tenant;</li>
 *   <li>a key's stored API_KEY budgets, if it has any, replace the configured key budgets for that key;</li>
 *   <li>for an end user: the tenant's stored budgets of that end user, and its stored budgets of every end user
 *       ({@link Budget#EVERY_END_USER}, resolved to that end user by {@link Budget#forEndUser}) of the periods the end
 *       user has no budget of its own (as {@link BudgetSource#fixed}); if there is neither, the configured end-user
 *       budgets. Resolution is from memory alone, so the first requests of a new end user meet the tenant's default
 *       end-user budget like every later one (none can slip through before a row exists).</li>
 * </ul>
 * Before the first successful reload nothing is stored: the configured defaults apply.
 */
public final class StoredBudgetSource implements BudgetSource {
    /** Scope first (the ledger's lock order), then period, so that every replica lists a request's budgets alike. */
    private static final Comparator<Budget> LOCK_ORDER = Comparator.comparing(Budget::scope)
            .thenComparing(Budget::period);

    private final BudgetSource defaults;
    private final ReloadableSnapshot<Index> snapshot;

    public StoredBudgetSource(BudgetSource defaults, BudgetRepository repository) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(repository, "repository");
        this.snapshot = new ReloadableSnapshot<>(Index.EMPTY, () -> Index.of(repository.loadAll()));
    }

    @Override
    public List<Budget> applicableTo(TenantId tenant, Optional<ApiKeyId> apiKey, Optional<String> endUser) {
        List<Budget> configured = defaults.applicableTo(tenant, apiKey, endUser);
        TenantBudgets stored = snapshot.get().tenants().get(tenant);
        return stored == null ? configured : stored.merge(configured, apiKey, endUser);
    }

    /** Replaces the snapshot with what the repository holds now; on a failure it throws and keeps the old one. */
    public void reload() {
        snapshot.reload();
    }

    /** Puts a budget just stored on this instance into the snapshot (replacing its previous version). */
    public void put(StoredBudget budget) {
        snapshot.amend(index -> index.with(budget));
    }

    /** Takes a budget just removed on this instance out of the snapshot. */
    public void remove(BudgetId id) {
        snapshot.amend(index -> index.without(id));
    }

    /** How many stored budgets are in force (for tests and logs). */
    public int size() {
        return snapshot.get().all().size();
    }

    /** Every stored budget by id, and the same grouped per tenant for the request path. */
    private record Index(Map<BudgetId, StoredBudget> all, Map<TenantId, TenantBudgets> tenants) {
        static final Index EMPTY = new Index(Map.of(), Map.of());

        static Index of(Collection<StoredBudget> budgets) {
            Map<BudgetId, StoredBudget> all = new LinkedHashMap<>();
            budgets.forEach(b -> all.put(b.id(), b));
            Map<TenantId, List<Budget>> byTenant = new HashMap<>();
            all.values().forEach(b -> byTenant.computeIfAbsent(b.budget().tenant(), t -> new ArrayList<>())
                    .add(b.budget()));
            Map<TenantId, TenantBudgets> tenants = new HashMap<>();
            byTenant.forEach((tenant, list) -> tenants.put(tenant, TenantBudgets.of(list)));
            return new Index(Map.copyOf(all), Map.copyOf(tenants));
        }

        Index with(StoredBudget budget) {
            Map<BudgetId, StoredBudget> all = new LinkedHashMap<>(this.all);
            all.put(budget.id(), budget);
            return of(all.values());
        }

        Index without(BudgetId id) {
            if (!all.containsKey(id)) {
                return this;
            }
            Map<BudgetId, StoredBudget> all = new LinkedHashMap<>(this.all);
            all.remove(id);
            return of(all.values());
        }
    }

    /** One tenant's stored budgets by scope. */
    private record TenantBudgets(List<Budget> tenant, Map<ApiKeyId, List<Budget>> keys,
                                 Map<String, List<Budget>> endUsers, List<Budget> everyEndUser) {
        static TenantBudgets of(List<Budget> budgets) {
            List<Budget> tenant = new ArrayList<>();
            Map<ApiKeyId, List<Budget>> keys = new HashMap<>();
            Map<String, List<Budget>> endUsers = new HashMap<>();
            List<Budget> everyEndUser = new ArrayList<>();
            for (Budget budget : budgets) {
                switch (budget.scope()) {
                    case TENANT -> tenant.add(budget);
                    case API_KEY -> keys.computeIfAbsent(budget.apiKey().get(), k -> new ArrayList<>()).add(budget);
                    case END_USER -> {
                        String user = budget.endUser().get();
                        if (user.equals(Budget.EVERY_END_USER)) {
                            everyEndUser.add(budget);
                        } else {
                            endUsers.computeIfAbsent(user, u -> new ArrayList<>()).add(budget);
                        }
                    }
                }
            }
            keys.replaceAll((k, list) -> List.copyOf(list));
            endUsers.replaceAll((u, list) -> List.copyOf(list));
            return new TenantBudgets(List.copyOf(tenant), Map.copyOf(keys), Map.copyOf(endUsers),
                    List.copyOf(everyEndUser));
        }

        List<Budget> merge(List<Budget> configured, Optional<ApiKeyId> apiKey, Optional<String> endUser) {
            List<Budget> merged = new ArrayList<>(configured.size() + 3);
            Set<BudgetScope> replaced = EnumSet.noneOf(BudgetScope.class);
            if (!tenant.isEmpty()) {
                merged.addAll(tenant);
                replaced.add(BudgetScope.TENANT);
            }
            List<Budget> ownKey = apiKey.map(keys::get).orElse(null);
            if (ownKey != null) {
                merged.addAll(ownKey);
                replaced.add(BudgetScope.API_KEY);
            }
            if (endUser.isPresent()) {
                String user = endUser.get();
                List<Budget> own = endUsers.getOrDefault(user, List.of());
                if (!own.isEmpty() || !everyEndUser.isEmpty()) {
                    merged.addAll(own);
                    for (Budget every : everyEndUser) {
                        if (own.stream().noneMatch(b -> b.period() == every.period())) {
                            merged.add(every.forEndUser(user));
                        }
                    }
                    replaced.add(BudgetScope.END_USER);
                }
            }
            for (Budget budget : configured) {
                if (!replaced.contains(budget.scope())) {
                    merged.add(budget);
                }
            }
            merged.sort(LOCK_ORDER);
            return List.copyOf(merged);
        }
    }
}
