package dev.gemgate.application.usage;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantStatus;
import dev.gemgate.domain.usage.UsageFigures;
import dev.gemgate.domain.usage.UsageGrouping;
import dev.gemgate.domain.usage.UsageReport;
import dev.gemgate.domain.usage.UsageSelection;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadUsageTest {
    private final TenantId acme = new TenantId(new UUID(7, 7));
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    // 23:30 UTC on the last day of November is already December in Tokyo
    private final MutableClock clock = MutableClock.at("2026-11-30T23:30:00Z");
    private final List<UsageSelection> asked = new ArrayList<>();
    /** What the store answers: only the days (or groups) that had requests. */
    private List<UsageReport.Row> stored = List.of();
    private final ReadUsage readUsage = new ReadUsage(selection -> {
        asked.add(selection);
        return new UsageReport(selection, UsageFigures.NONE, stored, false);
    }, tenants, clock);

    ReadUsageTest() {
        tenants.save(new Tenant(acme, "acme", TenantStatus.ACTIVE, Instant.parse("2026-01-01T00:00:00Z")));
    }

    private UsageSelection read(String from, String to, String groupBy, String zone) {
        readUsage.execute(new ReadUsage.Query(acme, from, to, groupBy, zone));
        return asked.getLast();
    }

    @Test
    void withoutParametersItIsThisMonthByDayInUtc() {
        UsageSelection selection = read(null, null, null, " ");

        assertThat(selection.from()).isEqualTo(LocalDate.parse("2026-11-01"));
        assertThat(selection.to()).isEqualTo(LocalDate.parse("2026-11-30"));
        assertThat(selection.groupBy()).isEqualTo(UsageGrouping.DAY);
        assertThat(selection.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(selection.maxGroups()).isEqualTo(UsageSelection.MAX_GROUPS);
        assertThat(selection.tenant()).isEqualTo(acme);
    }

    @Test
    void thisMonthIsTheZonesMonth() {
        UsageSelection selection = read(null, null, "model", "Asia/Tokyo");

        assertThat(selection.from()).isEqualTo(LocalDate.parse("2026-12-01"));
        assertThat(selection.to()).isEqualTo(LocalDate.parse("2026-12-31"));
        assertThat(selection.start()).isEqualTo(Instant.parse("2026-11-30T15:00:00Z"));
        assertThat(selection.groupBy()).isEqualTo(UsageGrouping.MODEL);
    }

    @Test
    void everyGroupingHasItsName() {
        assertThat(read(null, null, "day", null).groupBy()).isEqualTo(UsageGrouping.DAY);
        assertThat(read(null, null, "model", null).groupBy()).isEqualTo(UsageGrouping.MODEL);
        assertThat(read(null, null, "key", null).groupBy()).isEqualTo(UsageGrouping.API_KEY);
        assertThat(read(null, null, "endUser", null).groupBy()).isEqualTo(UsageGrouping.END_USER);
        assertThat(read("2026-01-01", "2026-12-31", null, "+05:30").zone().getId()).isEqualTo("+05:30");
    }

    @Test
    void aYearIsTheLongestRange() {
        assertThat(read("2024-01-01", "2024-12-31", null, null).to()).isEqualTo(LocalDate.parse("2024-12-31"));
        assertThatThrownBy(() -> read("2025-01-01", "2026-01-02", null, null))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).contains("to");
                    assertThat(e.reason()).isEqualTo(InvalidRequestException.Reason.LIMIT_EXCEEDED);
                    assertThat(e.getMessage()).contains("367 days").contains("366");
                });
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        assertField(() -> read("2026-11-02", "2026-11-01", null, null), "from");
        assertField(() -> read("2026-13-01", null, null, null), "from");
        assertField(() -> read(null, "30/11/2026", null, null), "to");
        assertField(() -> read(null, null, "week", null), "groupBy");
        assertField(() -> read(null, null, "DAY", null), "groupBy");
        assertField(() -> read(null, null, null, "Mars/Olympus_Mons"), "zone");
        assertField(() -> read(null, null, null, " 02:00"), "zone"); // a '+' the query string turned into a space
        assertThat(asked).isEmpty();
    }

    @Test
    void byDayEveryDayOfTheRangeHasItsRowWithZerosWhereNothingWasCalled() {
        UsageFigures calls = new UsageFigures(4, 100, 200, 0, 0, Money.ofDollars("0.0031"));
        stored = List.of(new UsageReport.Row(Optional.of("2026-11-03"), calls));

        UsageReport report = readUsage.execute(new ReadUsage.Query(acme, "2026-11-01", "2026-11-04", "day", null));

        assertThat(report.rows()).extracting(r -> r.group().orElseThrow())
                .containsExactly("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04");
        assertThat(report.rows()).extracting(UsageReport.Row::figures)
                .containsExactly(UsageFigures.NONE, UsageFigures.NONE, calls, UsageFigures.NONE);

        stored = List.of(new UsageReport.Row(Optional.of("gemini-2.5-flash"), calls));
        assertThat(readUsage.execute(new ReadUsage.Query(acme, "2026-11-01", "2026-11-04", "model", null)).rows())
                .as("by model only the models called").hasSize(1);
    }

    @Test
    void anUnknownOrDeletedTenantHasNoUsage() {
        assertThatThrownBy(() -> readUsage.execute(new ReadUsage.Query(new TenantId(UUID.randomUUID()), null, null,
                null, null))).isInstanceOf(NotFoundException.class);
        tenants.save(new Tenant(acme, "acme", TenantStatus.DELETED, Instant.parse("2026-01-01T00:00:00Z")));
        assertThatThrownBy(() -> read(null, null, null, null)).isInstanceOf(NotFoundException.class);
        assertThat(asked).isEmpty();
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.field()).contains(field));
    }
}
