package dev.gemgate.domain.usage;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UsageReportTest {
    private static final TenantId ACME = new TenantId(new UUID(7, 7));
    private static final UsageFigures TWO_CALLS = new UsageFigures(2, 30, 40, 5, 0, Money.ofDollars("0.0012"));
    private static final UsageFigures ONE_CALL = new UsageFigures(1, 10, 20, 0, 0, Money.ofDollars("0.0005"));

    private static UsageSelection selection(String from, String to, UsageGrouping grouping) {
        return new UsageSelection(ACME, LocalDate.parse(from), LocalDate.parse(to), ZoneId.of("UTC"), grouping,
                UsageSelection.MAX_GROUPS);
    }

    private static UsageReport.Row row(String group, UsageFigures figures) {
        return new UsageReport.Row(Optional.of(group), figures);
    }

    @Test
    void aDayWithoutRequestsIsARowOfZerosNotAGap() {
        UsageReport sparse = new UsageReport(selection("2026-11-01", "2026-11-05", UsageGrouping.DAY),
                new UsageFigures(3, 40, 60, 5, 0, Money.ofDollars("0.0017")),
                List.of(row("2026-11-02", TWO_CALLS), row("2026-11-05", ONE_CALL)), false);

        UsageReport filled = sparse.withEveryDay();

        assertThat(filled.rows()).extracting(r -> r.group().orElseThrow())
                .containsExactly("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05");
        assertThat(filled.rows()).extracting(UsageReport.Row::figures)
                .containsExactly(UsageFigures.NONE, TWO_CALLS, UsageFigures.NONE, UsageFigures.NONE, ONE_CALL);
        assertThat(filled.total()).isEqualTo(sparse.total());
        assertThat(filled.selection()).isEqualTo(sparse.selection());
        assertThat(filled.truncated()).isFalse();
    }

    @Test
    void aRangeWithoutAnyRequestHasAZeroForEachDayAcrossAMonthEnd() {
        UsageReport empty = new UsageReport(selection("2026-02-27", "2026-03-02", UsageGrouping.DAY),
                UsageFigures.NONE, List.of(), false);

        assertThat(empty.withEveryDay().rows()).extracting(r -> r.group().orElseThrow())
                .containsExactly("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02");
        assertThat(empty.withEveryDay().rows()).allSatisfy(r -> assertThat(r.figures()).isEqualTo(UsageFigures.NONE));
    }

    @Test
    void otherGroupingsKeepOnlyTheGroupsThatMadeRequests() {
        UsageReport byModel = new UsageReport(selection("2026-11-01", "2026-11-30", UsageGrouping.MODEL), TWO_CALLS,
                List.of(row("gemini-2.5-flash", TWO_CALLS)), false);

        assertThat(byModel.withEveryDay()).isSameAs(byModel);
    }
}
