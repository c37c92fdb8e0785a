package dev.gemgate.application.budget;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.DeleteTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.budget.BudgetSource;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.budget.StoredSpendingPolicySource;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetRepository;
import dev.gemgate.domain.fakes.InMemorySpendingPolicyStore;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The budget and spending-policy use cases over in-memory ports: the rules, the snapshot at once, the audit trail. */
class BudgetAdministrationTest {
    private static final AdminActor ALICE = new AdminActor("sub-alice", "Alice Admin", "192.0.2.10");
    /** The configured default: $10 a month per tenant. */
    private static final BudgetSource CONFIGURED = (t, k, u) -> List.of(new Budget(t, Optional.empty(),
            Optional.empty(), BudgetPeriod.MONTHLY, ZoneOffset.UTC, Money.ofDollars("10"), List.of()));

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final InMemoryBudgetRepository budgets = new InMemoryBudgetRepository();
    private final StoredBudgetSource source = new StoredBudgetSource(CONFIGURED, budgets);
    private final InMemorySpendingPolicyStore policies = new InMemorySpendingPolicyStore();
    private final StoredSpendingPolicySource policySource = new StoredSpendingPolicySource(SpendingPolicy.DEFAULT,
            policies);
    private final KeyGrantLookup lookup = new KeyGrantLookup() {
        @Override
        public Optional<KeyGrant> findByHash(String hash) {
            return Optional.empty();
        }

        @Override
        public void forget(String hash) {
        }
    };

    private final AddBudget add = new AddBudget(tenants, keys, budgets, source, adminAudit, ids, clock);
    private final ReplaceBudget replace = new ReplaceBudget(tenants, keys, budgets, source, adminAudit, clock);
    private final RemoveBudget remove = new RemoveBudget(tenants, keys, budgets, source, adminAudit, clock);
    private final ListBudgets list = new ListBudgets(tenants, budgets);
    private final GetBudget get = new GetBudget(tenants, budgets);
    private final SetSpendingPolicy setPolicy = new SetSpendingPolicy(tenants, policies, policySource, adminAudit);
    private final GetSpendingPolicy getPolicy = new GetSpendingPolicy(tenants, policies, policySource);

    private final Tenant acme = new CreateTenant(tenants, adminAudit, ids, clock)
            .execute(new CreateTenant.Command("acme"));
    private final Tenant globex = new CreateTenant(tenants, adminAudit, ids, clock)
            .execute(new CreateTenant.Command("globex"));
    private final ApiKeyId acmeKey = new IssueApiKey(tenants, keys, lookup, adminAudit, ids, clock)
            .execute(new IssueApiKey.Command(acme.id(), "app")).key().id();
    private final ApiKeyId globexKey = new IssueApiKey(tenants, keys, lookup, adminAudit, ids, clock)
            .execute(new IssueApiKey.Command(globex.id(), "app")).key().id();

    private static BudgetSpec tenantSpec(BudgetPeriod period, String dollars) {
        return new BudgetSpec(BudgetScope.TENANT, Optional.empty(), Optional.empty(), period,
                ZoneId.of("Europe/Paris"), Money.ofDollars(dollars), List.of(50, 80, 100));
    }

    private List<AuditEvent> events(AuditEventType type) {
        return audit.all().stream().filter(e -> e.type() == type).toList();
    }

    private List<Money> limitsInForce(TenantId tenant, Optional<ApiKeyId> key, Optional<String> user) {
        return source.applicableTo(tenant, key, user).stream().map(Budget::limit).toList();
    }

    @Test
    void anAddedBudgetIsInForceAtOnceReplacingTheConfiguredDefaultAndIsAuditedWithoutBefore() {
        assertThat(limitsInForce(acme.id(), Optional.empty(), Optional.empty())).containsExactly(Money.ofDollars("10"));
        StoredBudget added = add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.DAILY, "12.50"),
                ALICE));

        assertThat(added.budget().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(added.createdAt()).isEqualTo(clock.instant());
        assertThat(limitsInForce(acme.id(), Optional.empty(), Optional.empty()))
                .containsExactly(Money.ofDollars("12.5"));
        assertThat(limitsInForce(globex.id(), Optional.empty(), Optional.empty()))
                .containsExactly(Money.ofDollars("10"));
        assertThat(list.execute(new ListBudgets.Query(acme.id()))).containsExactly(added);
        assertThat(get.execute(new GetBudget.Query(acme.id(), added.id()))).isEqualTo(added);

        AuditEvent set = events(AuditEventType.BUDGET_SET).getFirst();
        assertThat(set.actor()).isEqualTo("sub-alice");
        assertThat(set.tenant()).contains(acme.id());
        assertThat(set.admin().orElseThrow().target()).isEqualTo("budget:" + added.id());
        assertThat(set.admin().orElseThrow().before()).isEmpty();
        assertThat(set.admin().orElseThrow().after().orElseThrow()).contains("\"limitUsd\":\"12.5\"")
                .contains("\"period\":\"DAILY\"").contains("\"zone\":\"Europe/Paris\"")
                .contains("\"alertPercents\":[50,80,100]");
    }

    @Test
    void aReplacementIsAuditedWithBeforeAndAfterAndAnIdenticalOneChangesNothing() {
        StoredBudget added = add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.DAILY, "1"), ALICE));
        clock.advance(Duration.ofMinutes(5));
        StoredBudget raised = replace.execute(new ReplaceBudget.Command(acme.id(), added.id(),
                tenantSpec(BudgetPeriod.DAILY, "2"), ALICE));
        assertThat(raised.id()).isEqualTo(added.id());
        assertThat(raised.createdAt()).isEqualTo(added.createdAt());
        assertThat(raised.updatedAt()).isEqualTo(clock.instant());
        assertThat(limitsInForce(acme.id(), Optional.empty(), Optional.empty())).containsExactly(Money.ofDollars("2"));

        replace.execute(new ReplaceBudget.Command(acme.id(), added.id(), tenantSpec(BudgetPeriod.DAILY, "2"), ALICE));
        List<AuditEvent> sets = events(AuditEventType.BUDGET_SET);
        assertThat(sets).as("an add and one real replacement").hasSize(2);
        assertThat(sets.get(1).admin().orElseThrow().before().orElseThrow()).contains("\"limitUsd\":\"1\"");
        assertThat(sets.get(1).admin().orElseThrow().after().orElseThrow()).contains("\"limitUsd\":\"2\"");
    }

    @Test
    void removingRestoresWhatTheBudgetReplacedAndIsAuditedWithTheBudgetAsItWas() {
        StoredBudget added = add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.DAILY, "1"), ALICE));
        StoredBudget removed = remove.execute(new RemoveBudget.Command(acme.id(), added.id(), ALICE));
        assertThat(removed).isEqualTo(added);
        assertThat(limitsInForce(acme.id(), Optional.empty(), Optional.empty())).containsExactly(Money.ofDollars("10"));
        assertThat(list.execute(new ListBudgets.Query(acme.id()))).isEmpty();
        AuditEvent event = events(AuditEventType.BUDGET_REMOVED).getFirst();
        assertThat(event.admin().orElseThrow().before().orElseThrow()).contains("\"limitUsd\":\"1\"");
        assertThat(event.admin().orElseThrow().after()).isEmpty();
        assertThatThrownBy(() -> remove.execute(new RemoveBudget.Command(acme.id(), added.id(), ALICE)))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aKeyBudgetNeedsAKeyOfTheTenantAndAnEndUserBudgetItsEndUser() {
        BudgetSpec ofGlobexKey = new BudgetSpec(BudgetScope.API_KEY, Optional.of(globexKey), Optional.empty(),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of());
        assertThatThrownBy(() -> add.execute(new AddBudget.Command(acme.id(), ofGlobexKey, ALICE)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).contains("apiKeyId"));
        StoredBudget ofKey = add.execute(new AddBudget.Command(acme.id(), new BudgetSpec(BudgetScope.API_KEY,
                Optional.of(acmeKey), Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("3"),
                List.of()), ALICE));
        assertThat(limitsInForce(acme.id(), Optional.of(acmeKey), Optional.empty()))
                .containsExactly(Money.ofDollars("10"), Money.ofDollars("3"));
        assertThat(events(AuditEventType.BUDGET_SET).getFirst().apiKey()).contains(acmeKey);
        assertThat(ofKey.budget().apiKey()).contains(acmeKey);

        assertThatThrownBy(() -> new BudgetSpec(BudgetScope.END_USER, Optional.empty(), Optional.empty(),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).contains("endUser"));
        assertThatThrownBy(() -> new BudgetSpec(BudgetScope.END_USER, Optional.empty(), Optional.of("x".repeat(129)),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).contains("endUser"));
        assertThatThrownBy(() -> new BudgetSpec(BudgetScope.TENANT, Optional.of(acmeKey), Optional.empty(),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of()))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).contains("apiKeyId"));
        assertThatThrownBy(() -> add.execute(new AddBudget.Command(acme.id(), new BudgetSpec(BudgetScope.TENANT,
                Optional.empty(), Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"),
                List.of(80, 50)), ALICE)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).contains("alertPercents"));
    }

    @Test
    void theEveryEndUserBudgetAppliesToNewEndUsersAndANamedOneReplacesItForItsUser() {
        add.execute(new AddBudget.Command(acme.id(), new BudgetSpec(BudgetScope.END_USER, Optional.empty(),
                Optional.of(Budget.EVERY_END_USER), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("0.5"),
                List.of()), ALICE));
        add.execute(new AddBudget.Command(acme.id(), new BudgetSpec(BudgetScope.END_USER, Optional.empty(),
                Optional.of("vip"), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("5"), List.of()), ALICE));
        assertThat(source.applicableTo(acme.id(), Optional.empty(), Optional.of("first-timer")))
                .extracting(b -> b.endUser().orElse("") + " " + b.limit())
                .containsExactly(" $10.000000", "first-timer $0.500000");
        assertThat(limitsInForce(acme.id(), Optional.empty(), Optional.of("vip")))
                .containsExactly(Money.ofDollars("10"), Money.ofDollars("5"));
    }

    @Test
    void aSecondBudgetInTheSameSlotIsAConflictAndChangesNothing() {
        add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.DAILY, "1"), ALICE));
        StoredBudget monthly = add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.MONTHLY, "9"),
                ALICE));
        assertThatThrownBy(() -> add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.DAILY, "2"),
                ALICE))).isInstanceOf(ConflictException.class).hasMessageContaining("daily tenant budget");
        assertThatThrownBy(() -> replace.execute(new ReplaceBudget.Command(acme.id(), monthly.id(),
                tenantSpec(BudgetPeriod.DAILY, "2"), ALICE))).isInstanceOf(ConflictException.class);
        assertThat(list.execute(new ListBudgets.Query(acme.id()))).hasSize(2);
        assertThat(events(AuditEventType.BUDGET_SET)).hasSize(2);
    }

    @Test
    void unknownOrDeletedTenantsAndAnotherTenantsBudgetAreNotFound() {
        StoredBudget acmes = add.execute(new AddBudget.Command(acme.id(), tenantSpec(BudgetPeriod.DAILY, "1"), ALICE));
        TenantId nobody = new TenantId(UUID.randomUUID());
        assertThatThrownBy(() -> list.execute(new ListBudgets.Query(nobody))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> get.execute(new GetBudget.Query(globex.id(), acmes.id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> replace.execute(new ReplaceBudget.Command(globex.id(), acmes.id(),
                tenantSpec(BudgetPeriod.DAILY, "2"), ALICE))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> get.execute(new GetBudget.Query(acme.id(), new BudgetId(UUID.randomUUID()))))
                .isInstanceOf(NotFoundException.class);
        new DeleteTenant(tenants, keys, lookup, adminAudit, clock).execute(new DeleteTenant.Command(globex.id(),
                ALICE));
        assertThatThrownBy(() -> add.execute(new AddBudget.Command(globex.id(), tenantSpec(BudgetPeriod.DAILY, "1"),
                ALICE))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aSpendingPolicyIsInForceAtOnceAndAuditedWithBeforeAndAfterOnlyWhenItChanges() {
        assertThat(getPolicy.execute(new GetSpendingPolicy.Query(acme.id()))).isEqualTo(SpendingPolicy.DEFAULT);
        SpendingPolicy capped = new SpendingPolicy(OptionalLong.of(4096), true);
        setPolicy.execute(new SetSpendingPolicy.Command(acme.id(), capped, ALICE));
        setPolicy.execute(new SetSpendingPolicy.Command(acme.id(), capped, ALICE));
        assertThat(policySource.of(acme.id())).isEqualTo(capped);
        assertThat(policySource.of(globex.id())).isEqualTo(SpendingPolicy.DEFAULT);
        assertThat(getPolicy.execute(new GetSpendingPolicy.Query(acme.id()))).isEqualTo(capped);

        List<AuditEvent> changes = events(AuditEventType.SPENDING_POLICY_CHANGED);
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().admin().orElseThrow().before().orElseThrow())
                .isEqualTo("{\"forwardedOutputCap\":null,\"refuseUnmeasuredMedia\":false}");
        assertThat(changes.getFirst().admin().orElseThrow().after().orElseThrow())
                .isEqualTo("{\"forwardedOutputCap\":4096,\"refuseUnmeasuredMedia\":true}");
        assertThatThrownBy(() -> setPolicy.execute(new SetSpendingPolicy.Command(new TenantId(UUID.randomUUID()),
                capped, ALICE))).isInstanceOf(NotFoundException.class);
    }
}
