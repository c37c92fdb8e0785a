package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeySecret;
import dev.gemgate.domain.tenant.ApiKeyStatus;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The budgets and spending policies of V16 on real PostgreSQL: round trips, slots, cascades and the table's checks. */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresBudgetRepositoryTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant CREATED = Instant.parse("2026-11-01T08:00:00Z");

    @Inject
    PostgresBudgetRepository budgets;

    @Inject
    PostgresSpendingPolicyStore policies;

    @Inject
    PostgresTenantRepository tenants;

    @Inject
    PostgresApiKeyRepository keys;

    @Inject
    DataSource dataSource;

    private Tenant tenant;
    private ApiKey key;

    @BeforeEach
    void aTenantWithAKey() {
        tenant = newTenant();
        key = newKey(tenant);
    }

    private Tenant newTenant() {
        Tenant t = new Tenant(new TenantId(UUID.randomUUID()), "budgets-" + UUID.randomUUID(), TenantStatus.ACTIVE,
                CREATED);
        tenants.save(t);
        return t;
    }

    private ApiKey newKey(Tenant owner) {
        ApiKeySecret secret = ApiKeySecret.generate(RANDOM);
        ApiKey k = new ApiKey(new ApiKeyId(UUID.randomUUID()), owner.id(), "ci", secret.prefix(), secret.hash(),
                ApiKeyStatus.ACTIVE, CREATED, Optional.empty(), Optional.empty());
        keys.save(k);
        return k;
    }

    private static StoredBudget stored(Budget budget) {
        return new StoredBudget(new BudgetId(UUID.randomUUID()), budget, CREATED, CREATED);
    }

    private Budget tenantBudget(BudgetPeriod period, String dollars) {
        return new Budget(tenant.id(), Optional.empty(), Optional.empty(), period, ZoneId.of("Europe/Paris"),
                Money.ofDollars(dollars), List.of(50, 80, 100));
    }

    @Test
    void budgetsOfEveryScopeRoundTripAndAreReplacedById() {
        StoredBudget monthly = stored(tenantBudget(BudgetPeriod.MONTHLY, "12.50"));
        StoredBudget ofKey = stored(new Budget(tenant.id(), Optional.of(key.id()), Optional.empty(),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofMicros(1), List.of()));
        StoredBudget everyUser = stored(new Budget(tenant.id(), Optional.empty(), Optional.of(Budget.EVERY_END_USER),
                BudgetPeriod.LIFETIME, ZoneOffset.UTC, Money.ofDollars("0.25"), List.of(100)));
        StoredBudget alice = stored(new Budget(tenant.id(), Optional.empty(), Optional.of("alice"),
                BudgetPeriod.LIFETIME, ZoneOffset.UTC, Money.ofDollars("1"), List.of()));
        for (StoredBudget b : List.of(monthly, ofKey, everyUser, alice)) {
            budgets.save(b);
        }
        assertThat(budgets.findByTenant(tenant.id())).containsExactlyInAnyOrder(monthly, ofKey, everyUser, alice);
        assertThat(budgets.find(tenant.id(), ofKey.id())).contains(ofKey);
        assertThat(budgets.find(newTenant().id(), ofKey.id())).as("another tenant's id is not found").isEmpty();

        StoredBudget raised = new StoredBudget(monthly.id(), tenantBudget(BudgetPeriod.WEEKLY, "99.000001"), CREATED,
                CREATED.plusSeconds(60));
        budgets.save(raised);
        assertThat(budgets.find(tenant.id(), monthly.id())).contains(raised);
        assertThat(budgets.loadAll()).contains(raised, ofKey, everyUser, alice).doesNotContain(monthly);

        assertThat(budgets.remove(tenant.id(), alice.id())).isTrue();
        assertThat(budgets.remove(tenant.id(), alice.id())).isFalse();
        assertThat(budgets.findByTenant(tenant.id())).hasSize(3);
    }

    @Test
    void aSecondBudgetInTheSameSlotIsAConflictWhileAnotherPeriodOrUserIsNot() {
        budgets.save(stored(tenantBudget(BudgetPeriod.DAILY, "1")));
        assertThatThrownBy(() -> budgets.save(stored(tenantBudget(BudgetPeriod.DAILY, "2"))))
                .isInstanceOf(ConflictException.class).hasMessageContaining("daily tenant budget");
        budgets.save(stored(tenantBudget(BudgetPeriod.MONTHLY, "2")));
        Budget bob = new Budget(tenant.id(), Optional.empty(), Optional.of("bob"), BudgetPeriod.DAILY,
                ZoneOffset.UTC, Money.ofDollars("1"), List.of());
        budgets.save(stored(bob));
        assertThatThrownBy(() -> budgets.save(stored(bob))).isInstanceOf(ConflictException.class);
        budgets.save(stored(new Budget(tenant.id(), Optional.empty(), Optional.of("carol"), BudgetPeriod.DAILY,
                ZoneOffset.UTC, Money.ofDollars("1"), List.of())));
    }

    @Test
    void unknownTenantsAndKeysOfAnotherTenantAreRefusedAndAnIdNeverMovesTenant() {
        Tenant other = newTenant();
        assertThatThrownBy(() -> budgets.save(stored(new Budget(other.id(), Optional.of(key.id()), Optional.empty(),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist for tenant");
        assertThatThrownBy(() -> budgets.save(stored(new Budget(new TenantId(UUID.randomUUID()), Optional.empty(),
                Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        StoredBudget mine = stored(tenantBudget(BudgetPeriod.DAILY, "1"));
        budgets.save(mine);
        assertThatThrownBy(() -> budgets.save(new StoredBudget(mine.id(), new Budget(other.id(), Optional.empty(),
                Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("5"), List.of()), CREATED,
                CREATED))).isInstanceOf(IllegalArgumentException.class);
        assertThat(budgets.find(tenant.id(), mine.id())).contains(mine);
    }

    @Test
    void deletedTenantsAreNotLoadedAndHardDeletesCascade() {
        StoredBudget ofTenant = stored(tenantBudget(BudgetPeriod.DAILY, "1"));
        StoredBudget ofKey = stored(new Budget(tenant.id(), Optional.of(key.id()), Optional.empty(),
                BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("1"), List.of()));
        budgets.save(ofTenant);
        budgets.save(ofKey);
        SpendingPolicy capped = new SpendingPolicy(OptionalLong.of(1024), true);
        policies.save(tenant.id(), capped);
        assertThat(policies.loadAll()).containsEntry(tenant.id(), capped);

        execute("DELETE FROM api_keys WHERE id = '" + key.id() + "'");
        assertThat(budgets.findByTenant(tenant.id())).containsExactly(ofTenant);

        tenants.save(tenant.deletedAt(CREATED.plusSeconds(60)));
        assertThat(budgets.loadAll()).doesNotContain(ofTenant);
        assertThat(policies.loadAll()).doesNotContainKey(tenant.id());

        execute("DELETE FROM tenants WHERE id = '" + tenant.id() + "'");
        assertThat(count("budgets")).isZero();
        assertThat(count("spending_policies")).isZero();
    }

    @Test
    void spendingPoliciesRoundTripAndAreReplaced() {
        assertThat(policies.find(tenant.id())).isEmpty();
        SpendingPolicy capped = new SpendingPolicy(OptionalLong.of(2048), false);
        policies.save(tenant.id(), capped);
        assertThat(policies.find(tenant.id())).contains(capped);
        policies.save(tenant.id(), SpendingPolicy.DEFAULT);
        assertThat(policies.find(tenant.id())).contains(SpendingPolicy.DEFAULT);
        assertThatThrownBy(() -> policies.save(new TenantId(UUID.randomUUID()), capped))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Test
    void theTablesRefuseWhatTheDomainRefuses() {
        String row = "INSERT INTO budgets (id, tenant_id, scope, api_key_id, end_user, period, zone, limit_micros, "
                + "alert_percents, created_at, updated_at) VALUES (gen_random_uuid(), '" + tenant.id()
                + "', %s, %s, %s, %s, 'UTC', %s, %s, now(), now())";
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "0", "'{}'"), "budgets_limit_positive");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "-1", "'{}'"), "budgets_limit_positive");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'HOURLY'", "1", "'{}'"), "budgets_period_known");
        assertRefused(row.formatted("'GROUP'", "NULL", "NULL", "'DAILY'", "1", "'{}'"), "budgets_scope_known");
        assertRefused(row.formatted("'API_KEY'", "NULL", "NULL", "'DAILY'", "1", "'{}'"), "budgets_scope_matches_key");
        assertRefused(row.formatted("'END_USER'", "NULL", "NULL", "'DAILY'", "1", "'{}'"),
                "budgets_scope_matches_end_user");
        assertRefused(row.formatted("'TENANT'", "NULL", "'alice'", "'DAILY'", "1", "'{}'"),
                "budgets_scope_matches_end_user");
        assertRefused(row.formatted("'END_USER'", "NULL", "' alice'", "'DAILY'", "1", "'{}'"),
                "budgets_end_user_stripped");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{80,50}'"),
                "budgets_alert_percents_valid");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{50,50}'"),
                "budgets_alert_percents_valid");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{0}'"),
                "budgets_alert_percents_valid");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{50,101}'"),
                "budgets_alert_percents_valid");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{50,NULL}'"),
                "budgets_alert_percents_valid");
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{{50},{80}}'"),
                "budgets_alert_percents_valid");
        execute(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "1", "'{1,50,100}'"));
        assertRefused(row.formatted("'TENANT'", "NULL", "NULL", "'DAILY'", "2", "'{}'"), "budgets_one_per_slot");
        assertRefused("INSERT INTO spending_policies (tenant_id, forwarded_output_cap, refuse_unmeasured_media, "
                + "updated_at) VALUES ('" + tenant.id() + "', 0, false, now())", "spending_policies_cap_positive");
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int count(String table) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM " + table + " WHERE tenant_id = '" + tenant.id() + "'")) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertRefused(String sql, String constraint) {
        assertThatThrownBy(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate(sql);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining(constraint);
    }
}
