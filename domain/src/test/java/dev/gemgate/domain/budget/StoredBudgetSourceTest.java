package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.fakes.InMemoryBudgetRepository;
import dev.gemgate.domain.fakes.InMemorySpendingPolicyStore;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredBudgetSourceTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final TenantId ACME = new TenantId(UUID.randomUUID());
    private static final TenantId OTHER = new TenantId(UUID.randomUUID());
    private static final ApiKeyId KEY = new ApiKeyId(UUID.randomUUID());
    private static final ApiKeyId OTHER_KEY = new ApiKeyId(UUID.randomUUID());

    private final InMemoryBudgetRepository repository = new InMemoryBudgetRepository();

    /** The configured defaults: $10 a month per tenant, $2 a day per key, $1 a day per end user. */
    private static final BudgetSource CONFIGURED = (t, k, u) -> {
        List<Budget> list = new java.util.ArrayList<>();
        list.add(budget(t, Optional.empty(), Optional.empty(), BudgetPeriod.MONTHLY, "10"));
        k.ifPresent(key -> list.add(budget(t, Optional.of(key), Optional.empty(), BudgetPeriod.DAILY, "2")));
        u.ifPresent(user -> list.add(budget(t, Optional.empty(), Optional.of(user), BudgetPeriod.DAILY, "1")));
        return list;
    };

    private final StoredBudgetSource source = new StoredBudgetSource(CONFIGURED, repository);

    private static Budget budget(TenantId tenant, Optional<ApiKeyId> key, Optional<String> user, BudgetPeriod period,
                                 String dollars) {
        return new Budget(tenant, key, user, period, ZoneOffset.UTC, Money.ofDollars(dollars), List.of());
    }

    private StoredBudget store(Budget budget) {
        StoredBudget stored = new StoredBudget(new BudgetId(UUID.randomUUID()), budget, NOW, NOW);
        repository.save(stored);
        return stored;
    }

    private List<String> limits(TenantId tenant, Optional<ApiKeyId> key, Optional<String> user) {
        return source.applicableTo(tenant, key, user).stream()
                .map(b -> b.scope() + ":" + b.endUser().orElse("") + ":" + b.period() + ":" + b.limit()).toList();
    }

    @Test
    void withNothingStoredTheConfiguredDefaultsApply() {
        source.reload();
        assertThat(limits(ACME, Optional.of(KEY), Optional.of("alice"))).containsExactly(
                "TENANT::MONTHLY:$10.000000", "API_KEY::DAILY:$2.000000", "END_USER:alice:DAILY:$1.000000");
    }

    @Test
    void aStoredBudgetOfAScopeReplacesTheConfiguredDefaultsOfThatScopeOnlyForItsTenantOrKey() {
        store(budget(ACME, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, "5"));
        store(budget(ACME, Optional.of(KEY), Optional.empty(), BudgetPeriod.WEEKLY, "3"));
        source.reload();

        assertThat(limits(ACME, Optional.of(KEY), Optional.empty())).containsExactly(
                "TENANT::DAILY:$5.000000", "API_KEY::WEEKLY:$3.000000");
        assertThat(limits(ACME, Optional.of(OTHER_KEY), Optional.empty()))
                .as("another key of the tenant keeps the configured key budget")
                .containsExactly("TENANT::DAILY:$5.000000", "API_KEY::DAILY:$2.000000");
        assertThat(limits(OTHER, Optional.of(KEY), Optional.empty()))
                .as("another tenant keeps every default (a key id of another tenant matches nothing)")
                .containsExactly("TENANT::MONTHLY:$10.000000", "API_KEY::DAILY:$2.000000");
    }

    @Test
    void theTenantsEveryEndUserBudgetAppliesToEachEndUserAndANamedOneReplacesItForItsPeriod() {
        store(budget(ACME, Optional.empty(), Optional.of(Budget.EVERY_END_USER), BudgetPeriod.DAILY, "0.50"));
        store(budget(ACME, Optional.empty(), Optional.of(Budget.EVERY_END_USER), BudgetPeriod.MONTHLY, "5"));
        store(budget(ACME, Optional.empty(), Optional.of("vip"), BudgetPeriod.DAILY, "20"));
        source.reload();

        List<Budget> newcomer = source.applicableTo(ACME, Optional.empty(), Optional.of("new-user"));
        assertThat(limits(ACME, Optional.empty(), Optional.of("new-user"))).containsExactly(
                "TENANT::MONTHLY:$10.000000", "END_USER:new-user:DAILY:$0.500000",
                "END_USER:new-user:MONTHLY:$5.000000");
        assertThat(newcomer.get(1).accountKey(NOW)).as("each end user has an account of its own")
                .isNotEqualTo(source.applicableTo(ACME, Optional.empty(), Optional.of("bob")).get(1).accountKey(NOW))
                .contains(":new-user:");
        assertThat(limits(ACME, Optional.empty(), Optional.of("vip"))).containsExactly(
                "TENANT::MONTHLY:$10.000000", "END_USER:vip:DAILY:$20.000000", "END_USER:vip:MONTHLY:$5.000000");
        assertThat(limits(ACME, Optional.empty(), Optional.empty())).as("no end user, no end-user budget")
                .containsExactly("TENANT::MONTHLY:$10.000000");
    }

    @Test
    void aNamedEndUsersBudgetAloneReplacesTheConfiguredEndUserDefaultForThatUserOnly() {
        store(budget(ACME, Optional.empty(), Optional.of("alice"), BudgetPeriod.WEEKLY, "4"));
        source.reload();
        assertThat(limits(ACME, Optional.empty(), Optional.of("alice"))).containsExactly(
                "TENANT::MONTHLY:$10.000000", "END_USER:alice:WEEKLY:$4.000000");
        assertThat(limits(ACME, Optional.empty(), Optional.of("bob"))).containsExactly(
                "TENANT::MONTHLY:$10.000000", "END_USER:bob:DAILY:$1.000000");
    }

    @Test
    void budgetsComeInTheLedgersLockOrderTenantKeyEndUser() {
        store(budget(ACME, Optional.empty(), Optional.of("alice"), BudgetPeriod.DAILY, "1"));
        store(budget(ACME, Optional.of(KEY), Optional.empty(), BudgetPeriod.DAILY, "2"));
        store(budget(ACME, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, "3"));
        source.reload();
        assertThat(source.applicableTo(ACME, Optional.of(KEY), Optional.of("alice"))).extracting(Budget::scope)
                .containsExactly(BudgetScope.TENANT, BudgetScope.API_KEY, BudgetScope.END_USER);
    }

    @Test
    void aChangeOnThisInstanceIsInForceAtOnceAndAnotherReplicasAtTheNextReload() {
        source.reload();
        StoredBudget mine = new StoredBudget(new BudgetId(UUID.randomUUID()),
                budget(ACME, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, "7"), NOW, NOW);
        repository.save(mine);
        source.put(mine);
        assertThat(limits(ACME, Optional.empty(), Optional.empty())).containsExactly("TENANT::DAILY:$7.000000");

        store(budget(OTHER, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, "8")); // another replica's
        assertThat(limits(OTHER, Optional.empty(), Optional.empty())).containsExactly("TENANT::MONTHLY:$10.000000");
        source.reload();
        assertThat(limits(OTHER, Optional.empty(), Optional.empty())).containsExactly("TENANT::DAILY:$8.000000");

        repository.remove(ACME, mine.id());
        source.remove(mine.id());
        assertThat(limits(ACME, Optional.empty(), Optional.empty())).containsExactly("TENANT::MONTHLY:$10.000000");
        assertThat(source.size()).isEqualTo(1);
    }

    @Test
    void aFailedReloadKeepsTheLastSnapshot() {
        store(budget(ACME, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, "5"));
        source.reload();
        repository.failLoads(true);
        assertThatThrownBy(source::reload).isInstanceOf(IllegalStateException.class);
        assertThat(limits(ACME, Optional.empty(), Optional.empty())).containsExactly("TENANT::DAILY:$5.000000");
    }

    @Test
    void spendingPoliciesAreServedFromTheSnapshotWithTheConfiguredOneForATenantWithout() {
        InMemorySpendingPolicyStore store = new InMemorySpendingPolicyStore();
        SpendingPolicy configured = new SpendingPolicy(OptionalLong.of(65_536), false);
        StoredSpendingPolicySource policies = new StoredSpendingPolicySource(configured, store);
        SpendingPolicy capped = new SpendingPolicy(OptionalLong.of(2048), true);
        store.save(ACME, capped);
        assertThat(policies.of(ACME)).as("before the first reload").isEqualTo(configured);
        policies.reload();
        assertThat(policies.of(ACME)).isEqualTo(capped);
        assertThat(policies.of(OTHER)).as("a tenant without a policy has the configured one").isEqualTo(configured);

        policies.put(OTHER, new SpendingPolicy(OptionalLong.empty(), true));
        assertThat(policies.of(OTHER).refuseUnmeasuredMedia()).isTrue();
        store.failLoads(true);
        assertThatThrownBy(policies::reload).isInstanceOf(IllegalStateException.class);
        assertThat(policies.of(ACME)).isEqualTo(capped);
        assertThat(policies.size()).isEqualTo(2);
    }

    @Test
    void endUserNamesAreStrippedCappedAndBlankIsNone() {
        assertThat(EndUserName.parse("  alice ")).contains("alice");
        assertThat(EndUserName.parse(" ")).isEmpty();
        assertThat(EndUserName.parse(null)).isEmpty();
        assertThat(EndUserName.parse("x".repeat(128))).isPresent();
        assertThatThrownBy(() -> EndUserName.parse("x".repeat(129))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be at most 128 characters");
        assertThat(EndUserName.parse("Zoë 李 alice@example.com")).contains("Zoë 李 alice@example.com");
        for (String bad : new String[] {"a\u0000b", "a\u001fb", "a\tb", "a\u007fb", "a\u0085b"}) {
            assertThatThrownBy(() -> EndUserName.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("must not contain control characters");
        }
    }
}
