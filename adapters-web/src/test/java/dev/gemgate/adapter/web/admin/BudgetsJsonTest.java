package dev.gemgate.adapter.web.admin;

import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.common.Money;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetsJsonTest {
    private static List<String> fields(String body) {
        return BudgetsJson.budget(body).errors().stream().map(AdminProblem.FieldError::field).toList();
    }

    @Test
    void aValidBodyBecomesASpec() {
        BudgetsJson.BudgetInput input = BudgetsJson.budget("{\"scope\":\"END_USER\",\"endUser\":\"*\","
                + "\"period\":\"monthly\",\"zone\":\"Europe/Paris\",\"limitUsd\":\"12.50\","
                + "\"alertPercents\":[50,80,100]}");
        assertThat(input.errors()).isEmpty();
        assertThat(input.spec().scope()).isEqualTo(BudgetScope.END_USER);
        assertThat(input.spec().endUser()).contains("*");
        assertThat(input.spec().period()).isEqualTo(BudgetPeriod.MONTHLY);
        assertThat(input.spec().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(input.spec().limit()).isEqualTo(Money.ofMicros(12_500_000));
        assertThat(input.spec().alertPercents()).containsExactly(50, 80, 100);
        assertThat(BudgetsJson.budget("{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"0.000001\"}")
                .spec().zone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void everyWrongFieldIsNamedInOneAnswer() {
        assertThat(fields("{\"scope\":\"GROUP\",\"period\":\"HOURLY\",\"zone\":\"Mars/Olympus\",\"limitUsd\":\"0\","
                + "\"alertPercents\":[80,50],\"colour\":\"red\"}"))
                .containsExactlyInAnyOrder("colour", "scope", "period", "zone", "limitUsd", "alertPercents");
        assertThat(fields("{\"scope\":\"API_KEY\",\"endUser\":\"alice\",\"period\":\"DAILY\",\"limitUsd\":\"-1\"}"))
                .containsExactlyInAnyOrder("apiKeyId", "endUser", "limitUsd");
        assertThat(fields("{\"scope\":\"END_USER\",\"endUser\":\"" + "x".repeat(129) + "\",\"period\":\"DAILY\","
                + "\"limitUsd\":\"1.0000001\"}")).containsExactlyInAnyOrder("endUser", "limitUsd");
        assertThat(fields("{\"scope\":\"API_KEY\",\"apiKeyId\":\"not-a-uuid\",\"period\":\"DAILY\",\"limitUsd\":1}"))
                .containsExactlyInAnyOrder("apiKeyId", "limitUsd");
        assertThat(fields("{}")).containsExactlyInAnyOrder("scope", "period", "limitUsd");
        assertThat(fields("[1]")).containsExactly("body");
        assertThat(fields("{\"scope\":")).containsExactly("body");
    }

    @Test
    void aPolicyBodyIsReadAndItsWrongFieldsNamed() {
        assertThat(BudgetsJson.policy("{\"forwardedOutputCap\":8192,\"refuseUnmeasuredMedia\":true}").policy())
                .satisfies(p -> {
                    assertThat(p.forwardedOutputCap()).isEqualTo(OptionalLong.of(8192));
                    assertThat(p.refuseUnmeasuredMedia()).isTrue();
                });
        assertThat(BudgetsJson.policy("{\"forwardedOutputCap\":0,\"refuseUnmeasuredMedia\":\"yes\",\"x\":1}").errors())
                .extracting(AdminProblem.FieldError::field)
                .containsExactlyInAnyOrder("forwardedOutputCap", "refuseUnmeasuredMedia", "x");
    }
}
