package dev.gemgate.application.alert;

import dev.gemgate.application.port.AlertMetrics;
import dev.gemgate.domain.alert.AlertDelivery;
import dev.gemgate.domain.alert.AlertDeliveryStore;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetAlert;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Usage;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A budget's soft threshold crossed (reported once fleet-wide by the ledger): a webhook delivery recorded (when a
 * webhook is configured; sent later by {@link SendDueAlerts}), a BUDGET_THRESHOLD_CROSSED audit event, and the metric.
 * The event id is the delivery's id, the audit event's id and the webhook's {@code X-Gemgate-Event-Id}. Runs off the
 * request path (the ledger's callback only queues the alert). Safe to run again with the same command after a failure
 * (e.g. the database was down): the delivery and the audit event are written once per id; the metric counts only when
 * both were taken.
 */
public final class RecordBudgetAlert {
    /** The actor of the audit event: Gemgate itself, not a person or a key. */
    public static final String ACTOR = "gemgate:budget-ledger";

    public record Command(UUID eventId, BudgetAlert alert, Instant occurredAt) {
        public Command {
            if (eventId == null || alert == null || occurredAt == null) {
                throw new IllegalArgumentException("an event id, the alert and its time are required");
            }
        }
    }

    private final AuditLog audit;
    private final AlertMetrics metrics;
    private final Optional<AlertDeliveryStore> deliveries;

    /** {@code deliveries} empty: no webhook is configured, so no delivery is recorded or attempted. */
    public RecordBudgetAlert(AuditLog audit, AlertMetrics metrics, Optional<AlertDeliveryStore> deliveries) {
        this.audit = audit;
        this.metrics = metrics;
        this.deliveries = deliveries;
    }

    public void execute(Command command) {
        BudgetAlert alert = command.alert();
        Budget budget = alert.budget();
        deliveries.ifPresent(store -> store.add(AlertDelivery.pending(command.eventId(), budget.tenant(),
                BudgetAlertPayload.json(command.eventId(), alert, command.occurredAt()), command.occurredAt())));
        audit.append(new AuditEvent(command.eventId(), command.occurredAt(), AuditEventType.BUDGET_THRESHOLD_CROSSED,
                new RequestId(command.eventId().toString()), Optional.empty(), Optional.of(budget.tenant()),
                budget.apiKey(), ACTOR, Optional.empty(), Usage.NONE, Money.ZERO, Duration.ZERO, Outcome.SUCCESS,
                Optional.empty(), detail(alert)));
        metrics.budgetThresholdCrossed(budget.scope(), alert.percent());
    }

    /** E.g. "daily tenant budget crossed 50%: committed 1.000000 of 2.000000 USD (account budget:tenant:…)". */
    static String detail(BudgetAlert alert) {
        return alert.budget().name() + " crossed " + alert.percent() + "%: committed "
                + BudgetAlertPayload.usd(alert.committed()) + " of " + BudgetAlertPayload.usd(alert.budget().limit())
                + " USD (account " + alert.accountKey() + ")";
    }
}
