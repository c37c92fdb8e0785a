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
import dev.gemgate.domain.usage.UsageFigures;
import dev.gemgate.domain.usage.UsageGrouping;
import dev.gemgate.domain.usage.UsageReport;
import dev.gemgate.domain.usage.UsageSelection;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The usage aggregation against the real schema: events go in through {@link PostgresAuditLog} as the request path
 * writes them, and come out summed per day (in UTC and across Paris's daylight-saving change), model, key and end
 * user, only the tenant's request events within the range.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresUsageQueryTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ModelId FLASH = new ModelId("gemini-2.5-flash");
    private static final ModelId PRO = new ModelId("gemini-2.5-pro");

    @Inject
    PostgresAuditLog audit;

    @Inject
    PostgresUsageQuery usage;

    @Inject
    DataSource dataSource;

    private final TenantId tenant = new TenantId(UUID.randomUUID());
    private final ApiKeyId key1 = new ApiKeyId(UUID.randomUUID());
    private final ApiKeyId key2 = new ApiKeyId(UUID.randomUUID());

    /**
     * Paris leaves summer time on 2026-10-25 at 01:00Z: that day is 25 hours long there.
     * <ul>
     *   <li>a: 2026-10-24T22:30Z, 10-24 in UTC but 00:30 on 10-25 in Paris; flash, key1, alice</li>
     *   <li>b: 2026-10-25T22:30Z, 23:30 on 10-25 in Paris (the 25th hour); pro, key1, no end user</li>
     *   <li>c: 2026-10-26T10:00Z; pro, key2, alice; a stream cut mid-way (what it produced is charged)</li>
     *   <li>d: 2026-10-26T11:00Z; countTokens, flash, key2, bob, free</li>
     * </ul>
     */
    @BeforeEach
    void record() {
        audit.append(request(AuditEventType.GENERATE_CONTENT, "2026-10-24T22:30:00Z", FLASH, key1, "alice",
                new Usage(1000, 200, 50, 100), 1_500, Outcome.SUCCESS));
        audit.append(request(AuditEventType.GENERATE_CONTENT, "2026-10-25T22:30:00Z", PRO, key1, null,
                new Usage(2000, 400, 0, 0), 7_000, Outcome.SUCCESS));
        audit.append(request(AuditEventType.STREAM_GENERATE_CONTENT, "2026-10-26T10:00:00Z", PRO, key2, "alice",
                new Usage(300, 30, 10, 0), 900, Outcome.UPSTREAM_ERROR));
        audit.append(request(AuditEventType.COUNT_TOKENS, "2026-10-26T11:00:00Z", FLASH, key2, "bob",
                new Usage(42, 0, 0, 0), 0, Outcome.SUCCESS));
        // not usage: an admin action on the tenant, another tenant's request, and requests outside the range
        audit.append(new AuditEvent(UUID.randomUUID(), Instant.parse("2026-10-26T12:00:00Z"),
                AuditEventType.TENANT_UPDATED, new RequestId("req-" + UUID.randomUUID()), Optional.empty(),
                Optional.of(tenant), Optional.empty(), "sub-alice", Optional.empty(), new Usage(5, 5, 0, 0),
                Money.ofMicros(1), Duration.ZERO, Outcome.SUCCESS, Optional.empty(), "updated",
                Optional.of(new AdminDetails("Alice", "192.0.2.1", "tenant:" + tenant, Optional.empty(),
                        Optional.empty()))));
        audit.append(new AuditEvent(UUID.randomUUID(), Instant.parse("2026-10-26T12:00:00Z"),
                AuditEventType.GENERATE_CONTENT, new RequestId("req-" + UUID.randomUUID()), Optional.empty(),
                Optional.of(new TenantId(UUID.randomUUID())), Optional.of(new ApiKeyId(UUID.randomUUID())), "k",
                Optional.of(FLASH), new Usage(9, 9, 0, 0), Money.ofMicros(99_999), Duration.ZERO, Outcome.SUCCESS,
                Optional.empty(), "", Optional.empty(), Optional.of("alice")));
        audit.append(request(AuditEventType.GENERATE_CONTENT, "2026-10-23T23:59:59.999999Z", FLASH, key1, "alice",
                new Usage(1, 1, 0, 0), 11, Outcome.SUCCESS));
        audit.append(request(AuditEventType.GENERATE_CONTENT, "2026-10-27T00:00:00Z", FLASH, key1, "alice",
                new Usage(1, 1, 0, 0), 13, Outcome.SUCCESS));
        audit.flush();
    }

    @Test
    void by_day_in_utc_each_request_falls_on_its_utc_day_and_the_total_covers_the_range() {
        UsageReport report = usage.aggregate(select("2026-10-24", "2026-10-26", UTC, UsageGrouping.DAY));

        assertThat(report.rows()).extracting(r -> r.group().orElseThrow(), r -> r.figures().requests(),
                r -> r.figures().cost()).containsExactly(
                tuple("2026-10-24", 1L, Money.ofMicros(1_500)),
                tuple("2026-10-25", 1L, Money.ofMicros(7_000)),
                tuple("2026-10-26", 2L, Money.ofMicros(900)));
        assertThat(report.total()).isEqualTo(new UsageFigures(4, 3342, 630, 60, 100, Money.ofMicros(9_400)));
        assertThat(report.truncated()).isFalse();
    }

    @Test
    void by_day_in_paris_the_day_of_the_clock_change_has_its_25_hours() {
        UsageReport report = usage.aggregate(select("2026-10-25", "2026-10-26", PARIS, UsageGrouping.DAY));

        assertThat(report.rows()).extracting(r -> r.group().orElseThrow(), r -> r.figures().requests())
                .containsExactly(tuple("2026-10-25", 2L), tuple("2026-10-26", 2L));
        assertThat(report.total().cost()).isEqualTo(Money.ofMicros(9_400));
        // a day earlier in Paris starts at 2026-10-23T22:00Z: the event just before UTC midnight is in it
        assertThat(usage.aggregate(select("2026-10-24", "2026-10-24", PARIS, UsageGrouping.DAY)).rows())
                .extracting(r -> r.group().orElseThrow(), r -> r.figures().cost())
                .containsExactly(tuple("2026-10-24", Money.ofMicros(11)));
    }

    @Test
    void by_model_key_and_end_user_most_expensive_first() {
        UsageReport byModel = usage.aggregate(select("2026-10-24", "2026-10-26", UTC, UsageGrouping.MODEL));
        assertThat(byModel.rows()).extracting(r -> r.group().orElseThrow(), r -> r.figures())
                .containsExactly(
                        tuple(PRO.value(), new UsageFigures(2, 2300, 430, 10, 0, Money.ofMicros(7_900))),
                        tuple(FLASH.value(), new UsageFigures(2, 1042, 200, 50, 100, Money.ofMicros(1_500))));

        UsageReport byKey = usage.aggregate(select("2026-10-24", "2026-10-26", UTC, UsageGrouping.API_KEY));
        assertThat(byKey.rows()).extracting(r -> r.group().orElseThrow(), r -> r.figures().requests(),
                r -> r.figures().cost()).containsExactly(
                tuple(key1.value().toString(), 2L, Money.ofMicros(8_500)),
                tuple(key2.value().toString(), 2L, Money.ofMicros(900)));

        UsageReport byUser = usage.aggregate(select("2026-10-24", "2026-10-26", UTC, UsageGrouping.END_USER));
        assertThat(byUser.rows()).extracting(r -> r.group(), r -> r.figures().requests(), r -> r.figures().cost())
                .containsExactly(
                        tuple(Optional.empty(), 1L, Money.ofMicros(7_000)),
                        tuple(Optional.of("alice"), 2L, Money.ofMicros(2_400)),
                        tuple(Optional.of("bob"), 1L, Money.ZERO));
        assertThat(byUser.total()).isEqualTo(byModel.total()).isEqualTo(byKey.total());
    }

    @Test
    void more_groups_than_allowed_keep_the_most_expensive_and_say_so() {
        UsageReport report = usage.aggregate(new UsageSelection(tenant, LocalDate.parse("2026-10-24"),
                LocalDate.parse("2026-10-26"), UTC, UsageGrouping.END_USER, 2));

        assertThat(report.truncated()).isTrue();
        assertThat(report.rows()).extracting(r -> r.group()).containsExactly(Optional.empty(), Optional.of("alice"));
        assertThat(report.total().requests()).isEqualTo(4);
        assertThat(usage.aggregate(new UsageSelection(tenant, LocalDate.parse("2026-10-24"),
                LocalDate.parse("2026-10-26"), UTC, UsageGrouping.END_USER, 3)).truncated()).isFalse();
    }

    @Test
    void response_cache_hits_count_as_requests_and_hits_their_tokens_unbilled_and_their_cost_saved() {
        audit.append(request(AuditEventType.GENERATE_CONTENT, "2026-09-15T08:00:00Z", FLASH, key1, null,
                new Usage(100, 50, 0, 0), 1_000, Outcome.SUCCESS));
        for (String at : List.of("2026-09-15T08:01:00Z", "2026-09-15T08:02:00Z")) {
            AuditEvent e = request(AuditEventType.GENERATE_CONTENT, at, FLASH, key1, null, new Usage(100, 50, 0, 0),
                    0, Outcome.CACHE_HIT);
            audit.append(new AuditEvent(e.id(), e.occurredAt(), e.type(), e.requestId(), e.correlationId(),
                    e.tenant(), e.apiKey(), e.actor(), e.model(), e.usage(), e.cost(), e.latency(), e.outcome(),
                    e.promptHash(), e.detail(), e.admin(), e.endUser(), Money.ofMicros(1_000)));
        }
        audit.flush();

        UsageReport report = usage.aggregate(select("2026-09-15", "2026-09-15", UTC, UsageGrouping.MODEL));

        assertThat(report.total()).isEqualTo(new UsageFigures(3, 100, 50, 0, 0, Money.ofMicros(1_000), 2,
                Money.ofMicros(2_000)));
        assertThat(report.rows()).singleElement().satisfies(r -> assertThat(r.figures()).isEqualTo(report.total()));
    }

    @Test
    void a_range_without_requests_has_no_rows_and_a_zero_total() {
        UsageReport report = usage.aggregate(select("2026-09-01", "2026-09-30", UTC, UsageGrouping.DAY));

        assertThat(report.rows()).isEmpty();
        assertThat(report.total()).isEqualTo(UsageFigures.NONE);
    }

    @Test
    void the_aggregation_can_be_answered_from_the_usage_index_alone() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE audit_events");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL enable_bitmapscan = off");
            }
            try (PreparedStatement s = c.prepareStatement("EXPLAIN " + PostgresUsageQuery.sql(UsageGrouping.MODEL))) {
                s.setObject(1, tenant.value());
                s.setTimestamp(2, Timestamp.from(Instant.parse("2026-10-24T00:00:00Z")));
                s.setTimestamp(3, Timestamp.from(Instant.parse("2026-10-27T00:00:00Z")));
                s.setInt(4, 10);
                StringBuilder plan = new StringBuilder();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        plan.append(r.getString(1)).append('\n');
                    }
                }
                assertThat(plan).contains("Index Only Scan using audit_events_usage");
            }
            c.rollback();
        }
    }

    private UsageSelection select(String from, String to, ZoneId zone, UsageGrouping grouping) {
        return new UsageSelection(tenant, LocalDate.parse(from), LocalDate.parse(to), zone, grouping,
                UsageSelection.MAX_GROUPS);
    }

    private AuditEvent request(AuditEventType type, String at, ModelId model, ApiKeyId key, String endUser, Usage used,
                               long costMicros, Outcome outcome) {
        return new AuditEvent(UUID.randomUUID(), Instant.parse(at), type, new RequestId("req-" + UUID.randomUUID()),
                Optional.empty(), Optional.of(tenant), Optional.of(key), key.toString(), Optional.of(model), used,
                Money.ofMicros(costMicros), Duration.ofMillis(5), outcome, Optional.empty(), "", Optional.empty(),
                Optional.ofNullable(endUser));
    }
}
