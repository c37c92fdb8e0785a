package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditFilter;
import dev.gemgate.domain.audit.AuditPosition;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal's audit browsing against the real schema: keyset pages over events that share a microsecond come out in
 * the one order (time, then id, descending) with neither repeat nor gap; each filter narrows as it says; and the
 * indexes that make a page cheap can serve the tenant's and the admin's queries.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresAuditSearchTest {
    private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

    @Inject
    PostgresAuditLog audit;

    @Inject
    PostgresAuditSearch search;

    @Inject
    DataSource dataSource;

    private final TenantId tenant = new TenantId(UUID.randomUUID());
    private final TenantId otherTenant = new TenantId(UUID.randomUUID());
    // ids share a positive high half and differ in a small low half: Java's and PostgreSQL's uuid orders agree
    private final long high = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    private final String alice = "alice-" + UUID.randomUUID();
    private final String bob = "bob-" + UUID.randomUUID();

    private AuditEvent admin(int i, Instant at, TenantId on, String actor, AuditEventType type) {
        return new AuditEvent(new UUID(high, i), at, type, new RequestId("req-" + high + "-" + i), Optional.empty(),
                Optional.of(on), Optional.empty(), actor, Optional.empty(), new Usage(0, 0, 0, 0), Money.ZERO,
                Duration.ZERO, Outcome.SUCCESS, Optional.empty(), "", Optional.of(new AdminDetails(actor + " Name",
                "192.0.2.1", "tenant:" + on, Optional.of("{\"status\":\"ACTIVE\"}"), Optional.empty())));
    }

    private AuditEvent request(int i, Instant at, TenantId on, String actor) {
        return new AuditEvent(new UUID(high, i), at, AuditEventType.GENERATE_CONTENT,
                new RequestId("req-" + high + "-" + i), Optional.empty(), Optional.of(on),
                Optional.of(new ApiKeyId(UUID.randomUUID())), actor, Optional.of(new ModelId("gemini-2.5-flash")),
                new Usage(10, 5, 0, 0), Money.ofMicros(42), Duration.ofMillis(3), Outcome.SUCCESS,
                Optional.of("sha256:abc"), "");
    }

    private static AuditFilter filter(Optional<TenantId> tenant, Optional<String> actor,
                                      Optional<AuditEventType> type, Optional<Instant> from, Optional<Instant> to) {
        return new AuditFilter(tenant, actor, type, from, to);
    }

    private static List<Long> ids(List<AuditEvent> events) {
        return events.stream().map(e -> e.id().getLeastSignificantBits()).toList();
    }

    @Test
    void pagesFollowTimeThenIdDescendingWithoutRepeatOrGapAcrossEventsOfTheSameMicrosecond() {
        for (int i = 1; i <= 7; i++) { // 1-3 at T, 4-7 at T + 1 µs
            audit.append(request(i, i <= 3 ? T : T.plusNanos(1_000), tenant, "key"));
        }
        audit.append(request(8, T.plusSeconds(1), otherTenant, "key"));
        audit.flush();
        AuditFilter mine = filter(Optional.of(tenant), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        List<Long> seen = new ArrayList<>();
        Optional<AuditPosition> after = Optional.empty();
        List<Integer> sizes = new ArrayList<>();
        do {
            List<AuditEvent> page = search.page(mine, after, 3);
            sizes.add(page.size());
            seen.addAll(ids(page));
            after = page.size() < 3 ? Optional.empty() : Optional.of(AuditPosition.of(page.getLast()));
        } while (after.isPresent());

        assertThat(seen).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(sizes).containsExactly(3, 3, 1);
        AuditEvent first = search.page(mine, Optional.empty(), 1).getFirst();
        assertThat(first.model()).contains(new ModelId("gemini-2.5-flash"));
        assertThat(first.cost()).isEqualTo(Money.ofMicros(42));
        assertThat(first.occurredAt()).isEqualTo(T.plusNanos(1_000));
    }

    @Test
    void filtersByAdminActorTypeAndTimeRange() {
        audit.append(admin(1, T, tenant, alice, AuditEventType.TENANT_CREATED));
        audit.append(admin(2, T.plusSeconds(10), tenant, alice, AuditEventType.API_KEY_ISSUED));
        audit.append(admin(3, T.plusSeconds(20), otherTenant, alice, AuditEventType.TENANT_CREATED));
        audit.append(admin(4, T.plusSeconds(30), tenant, bob, AuditEventType.API_KEY_ROTATED));
        audit.append(request(5, T.plusSeconds(40), tenant, alice)); // not an admin action: not alice's
        audit.flush();
        Optional<TenantId> mine = Optional.of(tenant);

        assertThat(ids(search.page(filter(Optional.empty(), Optional.of(alice), Optional.empty(), Optional.empty(),
                Optional.empty()), Optional.empty(), 10))).containsExactly(3L, 2L, 1L);
        assertThat(ids(search.page(filter(mine, Optional.of(alice), Optional.empty(), Optional.empty(),
                Optional.empty()), Optional.empty(), 10))).containsExactly(2L, 1L);
        assertThat(ids(search.page(filter(mine, Optional.empty(), Optional.of(AuditEventType.TENANT_CREATED),
                Optional.empty(), Optional.empty()), Optional.empty(), 10))).containsExactly(1L);
        assertThat(ids(search.page(filter(mine, Optional.empty(), Optional.empty(), Optional.of(T.plusSeconds(10)),
                Optional.of(T.plusSeconds(40))), Optional.empty(), 10))).as("from included, to excluded")
                .containsExactly(4L, 2L);
        AuditEvent created = search.page(filter(Optional.empty(), Optional.of(alice),
                Optional.of(AuditEventType.TENANT_CREATED), Optional.empty(), Optional.of(T.plusSeconds(1))),
                Optional.empty(), 10).getFirst();
        assertThat(created.admin().orElseThrow().actorName()).isEqualTo(alice + " Name");
        assertThat(created.admin().orElseThrow().before()).contains("{\"status\":\"ACTIVE\"}");
    }

    @Test
    void theTenantsAndTheAdminsPagesCanBeServedByTheirIndexes() throws Exception {
        assertThat(plan(filter(Optional.of(tenant), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), true)).contains("audit_events_usage");
        assertThat(plan(filter(Optional.empty(), Optional.of(alice), Optional.empty(), Optional.empty(),
                Optional.empty()), true)).contains("audit_events_admin_by_actor");
        assertThat(plan(filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), false)).contains("audit_events_by_time");
    }

    /** The plan with sequential scans priced out, so it shows which index the query can use, whatever the stats. */
    private String plan(AuditFilter filter, boolean after) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL enable_bitmapscan = off");
            }
            try (PreparedStatement p = c.prepareStatement("EXPLAIN " + PostgresAuditSearch.sql(filter, after))) {
                int i = 1;
                if (filter.tenant().isPresent()) {
                    p.setObject(i++, filter.tenant().get().value());
                }
                if (filter.actor().isPresent()) {
                    p.setString(i++, filter.actor().get());
                }
                if (after) {
                    p.setTimestamp(i++, Timestamp.from(T));
                    p.setObject(i++, new UUID(high, 1));
                }
                p.setInt(i, 50);
                StringBuilder plan = new StringBuilder();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        plan.append(r.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                c.rollback();
            }
        }
    }
}
