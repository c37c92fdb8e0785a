package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.usage.FleetFigures;
import dev.gemgate.domain.usage.TenantSpend;
import dev.gemgate.domain.usage.UsageFigures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's fleet-wide figures against the real schema, on a day of 2037 no other test writes to: ten request
 * events of three tenants with latencies of 1 to 10 ms and known tokens, costs and outcomes, next to an admin action
 * and requests just outside the period, all of which must be left out. Event ids are fixed, so a rerun on the same
 * database adds nothing.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresFleetUsageQueryTest {
    private static final Instant DAY = Instant.parse("2037-03-14T00:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2037-03-15T00:00:00Z");
    private static final TenantId A = new TenantId(new UUID(0x2037, 1));
    private static final TenantId B = new TenantId(new UUID(0x2037, 2));
    private static final TenantId C = new TenantId(new UUID(0x2037, 3));
    private static final ModelId FLASH = new ModelId("gemini-2.5-flash");

    @Inject
    PostgresAuditLog audit;

    @Inject
    PostgresFleetUsageQuery fleet;

    private void record() {
        event(1, A, AuditEventType.GENERATE_CONTENT, Outcome.SUCCESS, new Usage(100, 10, 1, 5), 1_000, 0);
        event(2, A, AuditEventType.STREAM_GENERATE_CONTENT, Outcome.SUCCESS, new Usage(200, 20, 0, 0), 2_000, 0);
        event(3, A, AuditEventType.GENERATE_CONTENT, Outcome.CACHE_HIT, new Usage(100, 10, 1, 5), 0, 1_000);
        event(4, A, AuditEventType.EMBED_CONTENT, Outcome.SUCCESS, new Usage(50, 0, 0, 0), 50, 0);
        event(5, A, AuditEventType.COUNT_TOKENS, Outcome.QUOTA_REFUSED, new Usage(0, 0, 0, 0), 0, 0);
        event(6, A, AuditEventType.LIST_MODELS, Outcome.SUCCESS, new Usage(0, 0, 0, 0), 0, 0);
        event(7, B, AuditEventType.GENERATE_CONTENT, Outcome.UPSTREAM_ERROR, new Usage(10, 0, 0, 0), 0, 0);
        event(8, B, AuditEventType.GENERATE_CONTENT, Outcome.SUCCESS, new Usage(300, 30, 3, 0), 3_000, 0);
        event(9, B, AuditEventType.GENERATE_CONTENT, Outcome.TIMEOUT, new Usage(0, 0, 0, 0), 0, 0);
        event(10, C, AuditEventType.GENERATE_CONTENT, Outcome.SUCCESS, new Usage(1, 1, 0, 0), 3_050, 0);
        // left out: an admin action in the period, and requests just before and at the end of it
        audit.append(new AuditEvent(new UUID(0x2037, 100), DAY.plusSeconds(600), AuditEventType.TENANT_UPDATED,
                new RequestId("req-fleet-100"), Optional.empty(), Optional.of(A), Optional.empty(), "sub-admin",
                Optional.empty(), new Usage(5, 5, 0, 0), Money.ofMicros(77), Duration.ofSeconds(1), Outcome.SUCCESS,
                Optional.empty(), "updated", Optional.of(new AdminDetails("Admin", "192.0.2.1", "tenant:" + A,
                Optional.empty(), Optional.empty()))));
        request(101, A, DAY.minusNanos(1_000), Outcome.SUCCESS, 99_999);
        request(102, C, NEXT_DAY, Outcome.SUCCESS, 99_999);
        audit.flush();
    }

    private void event(int i, TenantId tenant, AuditEventType type, Outcome outcome, Usage usage, long cost,
                       long saved) {
        audit.append(new AuditEvent(new UUID(0x2037, i), DAY.plusSeconds(i * 60L), type,
                new RequestId("req-fleet-" + i), Optional.empty(), Optional.of(tenant),
                Optional.of(new ApiKeyId(new UUID(0x2037, 50 + i))), "key", Optional.of(FLASH), usage,
                Money.ofMicros(cost), Duration.ofMillis(i), outcome, Optional.empty(), "", Optional.empty(),
                Optional.empty(), Money.ofMicros(saved)));
    }

    private void request(int i, TenantId tenant, Instant at, Outcome outcome, long cost) {
        audit.append(new AuditEvent(new UUID(0x2037, i), at, AuditEventType.GENERATE_CONTENT,
                new RequestId("req-fleet-" + i), Optional.empty(), Optional.of(tenant), Optional.empty(), "key",
                Optional.of(FLASH), new Usage(1, 1, 0, 0), Money.ofMicros(cost), Duration.ofSeconds(5), outcome,
                Optional.empty(), ""));
    }

    @Test
    void theDaysRequestsOfEveryTenantAreAddedUpWithErrorsPercentilesHitsAndSavings() {
        record();

        FleetFigures figures = fleet.figures(DAY, NEXT_DAY);

        assertThat(figures.usage()).isEqualTo(new UsageFigures(10, 661, 61, 4, 5, Money.ofMicros(9_100), 1,
                Money.ofMicros(1_000)));
        assertThat(figures.errors()).as("quota refused, upstream error, timeout").isEqualTo(3);
        assertThat(figures.errorRate()).isEqualTo(0.3);
        assertThat(figures.cacheHitRate()).isEqualTo(0.1);
        // percentile_cont over 1..10 ms: the median halfway between 5 and 6, p99 at 9 + 0.91 of the way to 10
        assertThat(figures.latencyP50()).contains(Duration.ofMillis(5).plusNanos(500_000));
        assertThat(figures.latencyP99()).contains(Duration.ofMillis(9).plusNanos(910_000));
    }

    @Test
    void topTenantsAreBySpendThenByIdAndLimited() {
        record();

        assertThat(fleet.topTenantsBySpend(DAY, NEXT_DAY, 5)).containsExactly(
                new TenantSpend(A, 6, Money.ofMicros(3_050)),
                new TenantSpend(C, 1, Money.ofMicros(3_050)),
                new TenantSpend(B, 3, Money.ofMicros(3_000)));
        assertThat(fleet.topTenantsBySpend(DAY, NEXT_DAY, 2)).extracting(TenantSpend::tenant).containsExactly(A, C);
    }

    @Test
    void aPeriodWithoutRequestsHasNoFiguresAndNoPercentiles() {
        assertThat(fleet.figures(Instant.parse("2037-02-01T00:00:00Z"), Instant.parse("2037-02-02T00:00:00Z")))
                .isEqualTo(FleetFigures.NONE);
        assertThat(fleet.topTenantsBySpend(Instant.parse("2037-02-01T00:00:00Z"),
                Instant.parse("2037-02-02T00:00:00Z"), 5)).isEmpty();
    }
}
