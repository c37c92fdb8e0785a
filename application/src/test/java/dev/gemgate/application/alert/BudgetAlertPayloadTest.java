package dev.gemgate.application.alert;

import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetAlert;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetAlertPayloadTest {
    private static final UUID EVENT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final TenantId TENANT = new TenantId(UUID.fromString("00000000-0000-0000-0000-0000000000a1"));
    private static final Instant AT = Instant.parse("2026-11-30T10:15:30Z");

    @Test
    void anEndUsersBudgetWithMoneyAsDecimalStringsAndTheUsersNameEscaped() {
        Budget budget = new Budget(TENANT, Optional.empty(), Optional.of("bob \"the\" \\ user\n"), BudgetPeriod.MONTHLY,
                ZoneOffset.UTC, Money.ofDollars("25"), List.of(80));
        String json = BudgetAlertPayload.json(EVENT, new BudgetAlert(budget, "budget:end_user:x", 80,
                Money.ofDollars("20.000001")), AT);

        assertThat(json).isEqualTo("{\"id\":\"00000000-0000-0000-0000-0000000000e1\","
                + "\"type\":\"budget.threshold_crossed\",\"occurredAt\":\"2026-11-30T10:15:30Z\","
                + "\"tenantId\":\"00000000-0000-0000-0000-0000000000a1\","
                + "\"budget\":{\"scope\":\"END_USER\",\"name\":\"monthly budget of end user bob \\\"the\\\" \\\\ user\\n\","
                + "\"period\":\"MONTHLY\",\"zone\":\"Z\",\"endUser\":\"bob \\\"the\\\" \\\\ user\\n\"},"
                + "\"accountKey\":\"budget:end_user:x\",\"percent\":80,"
                + "\"committedUsd\":\"20.000001\",\"limitUsd\":\"25.000000\"}");
    }

    @Test
    void theAuditDetailNamesTheBudgetThresholdAndAmounts() {
        Budget budget = new Budget(TENANT, Optional.empty(), BudgetPeriod.DAILY, Money.ofDollars("2"));
        assertThat(RecordBudgetAlert.detail(new BudgetAlert(budget, "budget:tenant:a", 50, Money.ofDollars("1"))))
                .isEqualTo("daily tenant budget crossed 50%: committed 1.000000 of 2.000000 USD (account budget:tenant:a)");
    }
}
