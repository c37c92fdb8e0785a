package dev.gemgate.application.request;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The open tickets a graceful shutdown waits for: a ticket counts from its opening until its settlement and audit
 * event are done, whichever way it closes, and only once.
 */
class OpenTicketsTest {
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    /** How many tickets were still open when each audit event was recorded. */
    private final List<Integer> openWhenRecorded = new CopyOnWriteArrayList<>();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final Admission admission = new Admission(CountingQuotaLimiter.unlimited(),
            InMemoryBudgetLedger.noBudgets(), new RequestRecorder(new AuditLog() {
                @Override
                public void append(AuditEvent event) {
                    openWhenRecorded.add(openTickets().current());
                    audit.append(event);
                }

                @Override
                public List<AuditEvent> query(AuditQuery query) {
                    return audit.query(query);
                }
            }, new RequestMetrics() {
                @Override
                public void record(AuditEvent event) {
                }

                @Override
                public void authenticationFailed(String reason) {
                }
            }), new SequentialIdGenerator(), clock);

    private InFlight openTickets() {
        return admission.openTickets();
    }

    private Ticket open(Caller caller) {
        return admission.open(new RequestContext(caller, new RequestId("req-" + UUID.randomUUID()), Optional.empty(),
                Optional.empty()), AuditEventType.GENERATE_CONTENT, MODEL, Optional.empty(), Optional.empty());
    }

    @Test
    void a_ticket_counts_until_its_audit_event_is_recorded() throws Exception {
        Ticket ticket = open(CALLER);
        ticket.admitQuota(10);
        assertThat(openTickets().current()).isEqualTo(1);
        assertThat(openTickets().awaitNone(Duration.ofMillis(20))).isFalse();

        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return openTickets().awaitNone(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ticket.settle(new Usage(10, 5, 0, 0), Outcome.SUCCESS);

        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(openTickets().current()).isZero();
        // the count went down only after the event was recorded: a shutdown that saw zero drains a complete log
        assertThat(openWhenRecorded).containsExactly(1);
        assertThat(audit.all()).extracting(AuditEvent::outcome).containsExactly(Outcome.SUCCESS);
    }

    @Test
    void every_way_of_closing_ends_the_count_once() {
        Ticket settled = open(CALLER);
        Ticket failed = open(CALLER);
        Ticket abandoned = open(CALLER);
        Ticket handedOver = open(CALLER);
        assertThat(openTickets().current()).isEqualTo(4);

        settled.settle(Usage.NONE, Outcome.SUCCESS);
        failed.fail(new IllegalStateException("boom"));
        abandoned.abandon(Usage.NONE);
        handedOver.handOver("a batch job");
        assertThat(openTickets().current()).isZero();

        // a second close of any kind is a no-op and must not count down again
        settled.fail(new IllegalStateException("late"));
        failed.settle(Usage.NONE, Outcome.SUCCESS);
        abandoned.abandon(Usage.NONE);
        assertThatThrownBy(() -> handedOver.handOver("again")).isInstanceOf(IllegalStateException.class);
        assertThat(openTickets().current()).isZero();
        assertThat(openWhenRecorded).containsExactly(4, 3, 2, 1);
    }

    @Test
    void a_request_refused_for_its_scope_at_opening_leaves_no_ticket_open() {
        Caller scoped = new Caller(CALLER.tenant(), CALLER.apiKey(),
                KeyScopes.parse(List.of("gemini-2.5-pro"), List.of(), List.of()));

        assertThatThrownBy(() -> open(scoped)).isInstanceOf(RuntimeException.class);

        assertThat(openTickets().current()).isZero();
        assertThat(audit.all()).extracting(AuditEvent::outcome).containsExactly(Outcome.PERMISSION_DENIED);
    }
}
