package dev.gemgate.application.audit;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchAuditLogTest {
    private final InMemoryAuditLog log = new InMemoryAuditLog();
    private final SearchAuditLog search = new SearchAuditLog(log);
    private final ExportAuditLog export = new ExportAuditLog(log);
    private final TenantId acme = new TenantId(new UUID(1, 1));
    private final TenantId other = new TenantId(new UUID(2, 2));

    private AuditEvent admin(long id, String at, TenantId tenant, String actor, AuditEventType type) {
        return new AuditEvent(new UUID(0, id), Instant.parse(at), type, new RequestId("r" + id), Optional.empty(),
                Optional.of(tenant), Optional.empty(), actor, Optional.empty(), new Usage(0, 0, 0, 0), Money.ZERO, Duration.ZERO,
                Outcome.SUCCESS, Optional.empty(), "", Optional.of(new AdminDetails(actor + " name", "192.0.2.1",
                "tenant:" + tenant, Optional.empty(), Optional.empty())));
    }

    private static AuditLogFilters filters(String tenant, String actor, String type, String from, String to) {
        return new AuditLogFilters(tenant, actor, type, from, to);
    }

    private static AuditLogFilters none() {
        return filters(null, null, null, null, null);
    }

    private static List<Long> ids(List<AuditEvent> events) {
        return events.stream().map(e -> e.id().getLeastSignificantBits()).toList();
    }

    @Test
    void pagesGoNewestFirstWithTiesByIdAndTheTokenContinuesWithoutRepeatOrGapWhileEventsArrive() {
        log.append(admin(1, "2026-11-30T10:00:00Z", acme, "alice", AuditEventType.TENANT_CREATED));
        log.append(admin(2, "2026-11-30T11:00:00Z", acme, "alice", AuditEventType.TENANT_UPDATED));
        log.append(admin(3, "2026-11-30T11:00:00Z", acme, "bob", AuditEventType.API_KEY_ISSUED));
        log.append(admin(4, "2026-11-30T12:00:00Z", acme, "bob", AuditEventType.API_KEY_ROTATED));

        SearchAuditLog.Result first = search.execute(new SearchAuditLog.Query(none(), "2", null));
        assertThat(ids(first.events())).containsExactly(4L, 3L);
        log.append(admin(5, "2026-11-30T13:00:00Z", acme, "bob", AuditEventType.API_KEY_REVOKED));
        SearchAuditLog.Result second = search.execute(new SearchAuditLog.Query(none(), "2",
                first.nextPageToken().orElseThrow()));
        assertThat(ids(second.events())).containsExactly(2L, 1L);
        assertThat(second.nextPageToken()).as("no more events: no token").isEmpty();
        assertThat(search.execute(new SearchAuditLog.Query(none(), null, null)).events()).hasSize(5);
    }

    @Test
    void filtersByTenantAdminActorTypeAndTimeRangeWithDatesAsUtcDays() {
        log.append(admin(1, "2026-11-29T23:59:59Z", acme, "alice", AuditEventType.TENANT_UPDATED));
        log.append(admin(2, "2026-11-30T00:00:00Z", acme, "alice", AuditEventType.TENANT_UPDATED));
        log.append(admin(3, "2026-11-30T23:59:59Z", other, "alice", AuditEventType.TENANT_UPDATED));
        log.append(admin(4, "2026-11-30T12:00:00Z", acme, "bob", AuditEventType.TENANT_UPDATED));
        log.append(admin(5, "2026-11-30T12:00:00Z", acme, "alice", AuditEventType.BUDGET_SET));
        log.append(admin(6, "2026-12-01T00:00:00Z", acme, "alice", AuditEventType.TENANT_UPDATED));

        assertThat(ids(search.execute(new SearchAuditLog.Query(filters(" " + acme + " ", "alice", "TENANT_UPDATED",
                "2026-11-30", "2026-11-30"), null, null)).events())).containsExactly(2L);
        assertThat(ids(search.execute(new SearchAuditLog.Query(filters(null, "alice", null,
                "2026-11-30T00:00:00Z", "2026-11-30T23:59:59+00:00"), null, null)).events()))
                .as("to is excluded when it is an instant").containsExactly(5L, 2L);
        assertThat(ids(search.execute(new SearchAuditLog.Query(filters(null, null, null,
                "2026-11-30T13:00:00+01:00", null), null, null)).events())).containsExactly(6L, 3L, 5L, 4L);
    }

    @Test
    void badFiltersAreRefusedNamingTheirParameter() {
        assertField(filters("acme", null, null, null, null), null, null, "tenant");
        assertField(filters(null, "x".repeat(257), null, null, null), null, null, "actor");
        assertField(filters(null, null, "TENANT_EXPLODED", null, null), null, null, "type");
        assertField(filters(null, null, null, "yesterday", null), null, null, "from");
        assertField(filters(null, null, null, null, "2026-13-01"), null, null, "to");
        assertField(filters(null, null, null, "2026-12-03", "2026-12-01"), null, null, "from");
        assertField(none(), "0", null, "pageSize");
        assertField(none(), "501", null, "pageSize");
        assertField(none(), "ten", null, "pageSize");
        assertField(none(), null, "not-a-token", "pageToken");
        assertField(none(), null, "AAAA", "pageToken");
        assertThatThrownBy(() -> export.prepare(filters(null, null, "nope", null, null)))
                .isInstanceOf(InvalidRequestException.class)
                .extracting(SearchAuditLogTest::field).isEqualTo(Optional.of("type"));
    }

    private void assertField(AuditLogFilters filters, String pageSize, String pageToken, String field) {
        assertThatThrownBy(() -> search.execute(new SearchAuditLog.Query(filters, pageSize, pageToken)))
                .isInstanceOf(InvalidRequestException.class)
                .extracting(SearchAuditLogTest::field).isEqualTo(Optional.of(field));
    }

    private static Optional<String> field(Throwable e) {
        return ((InvalidRequestException) e).field();
    }

    @Test
    void theExportHandsOverEveryMatchingEventInOrderPageByPage() {
        int count = ExportAuditLog.PAGE * 2 + 3;
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 1; i <= count; i++) {
            log.append(admin(i, start.plusSeconds(i / 2).toString(), i % 2 == 0 ? acme : other, "alice",
                    AuditEventType.TENANT_UPDATED));
        }
        List<Long> seen = new ArrayList<>();

        long written = export.prepare(none()).writeTo(e -> seen.add(e.id().getLeastSignificantBits()));

        assertThat(written).isEqualTo(count);
        assertThat(seen).hasSize(count).doesNotHaveDuplicates();
        assertThat(seen.getFirst()).isEqualTo(count);
        assertThat(seen.getLast()).isEqualTo(1L);
        List<Long> acmeOnly = new ArrayList<>();
        export.prepare(filters(acme.toString(), null, null, null, null))
                .writeTo(e -> acmeOnly.add(e.id().getLeastSignificantBits()));
        assertThat(acmeOnly).hasSize(count / 2).allMatch(id -> id % 2 == 0);
    }
}
