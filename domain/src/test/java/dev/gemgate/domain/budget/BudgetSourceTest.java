package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetSourceTest {
    private static final TenantId TENANT = new TenantId(UUID.randomUUID());
    private static final TenantId OTHER = new TenantId(UUID.randomUUID());
    private static final ApiKeyId KEY = new ApiKeyId(UUID.randomUUID());
    private static final ApiKeyId OTHER_KEY = new ApiKeyId(UUID.randomUUID());

    private static Budget budget(TenantId tenant, Optional<ApiKeyId> key, Optional<String> user, String dollars) {
        return new Budget(tenant, key, user, BudgetPeriod.MONTHLY, ZoneOffset.UTC, Money.ofDollars(dollars), List.of());
    }

    @Test
    void a_request_meets_its_tenant_s_budget_its_key_s_and_its_end_user_s_in_lock_order() {
        Budget user = budget(TENANT, Optional.empty(), Optional.of(Budget.EVERY_END_USER), "1");
        Budget key = budget(TENANT, Optional.of(KEY), Optional.empty(), "5");
        Budget tenant = budget(TENANT, Optional.empty(), Optional.empty(), "10");
        BudgetSource source = BudgetSource.fixed(List.of(user, key, tenant,
                budget(TENANT, Optional.of(OTHER_KEY), Optional.empty(), "5"),
                budget(OTHER, Optional.empty(), Optional.empty(), "10")));

        assertThat(source.applicableTo(TENANT, Optional.of(KEY), Optional.of("ann")))
                .containsExactly(tenant, key, user.forEndUser("ann"));
        assertThat(source.applicableTo(TENANT, Optional.of(KEY), Optional.empty())).containsExactly(tenant, key);
    }

    @Test
    void an_end_user_s_own_budget_replaces_the_default_one() {
        Budget everyUser = budget(TENANT, Optional.empty(), Optional.of(Budget.EVERY_END_USER), "1");
        Budget ann = budget(TENANT, Optional.empty(), Optional.of("ann"), "3");
        BudgetSource source = BudgetSource.fixed(List.of(everyUser, ann));

        assertThat(source.applicableTo(TENANT, Optional.empty(), Optional.of("ann"))).containsExactly(ann);
        assertThat(source.applicableTo(TENANT, Optional.empty(), Optional.of("bob")))
                .containsExactly(everyUser.forEndUser("bob"));
    }

    @Test
    void accounts_differ_by_budget_and_by_period() {
        Budget tenant = budget(TENANT, Optional.empty(), Optional.empty(), "10");
        Budget key = budget(TENANT, Optional.of(KEY), Optional.empty(), "10");
        Instant november = Instant.parse("2026-11-30T23:59:59Z");
        Instant december = Instant.parse("2026-12-01T00:00:00Z");

        assertThat(tenant.accountKey(november)).isEqualTo(tenant.accountKey(Instant.parse("2026-11-01T00:00:00Z")))
                .isNotEqualTo(tenant.accountKey(december)).isNotEqualTo(key.accountKey(november));
    }

    @Test
    void a_budget_is_one_scope_s_with_a_positive_limit_and_ascending_thresholds() {
        assertThatThrownBy(() -> budget(TENANT, Optional.of(KEY), Optional.of("ann"), "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> budget(TENANT, Optional.empty(), Optional.empty(), "0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Budget(TENANT, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY,
                ZoneOffset.UTC, Money.ofDollars("1"), List.of(80, 50))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Budget(TENANT, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY,
                ZoneOffset.UTC, Money.ofDollars("1"), List.of(101))).isInstanceOf(IllegalArgumentException.class);
        assertThat(budget(TENANT, Optional.of(KEY), Optional.empty(), "1").name())
                .isEqualTo("monthly budget of API key " + KEY);
    }
}
