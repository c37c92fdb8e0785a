package dev.gemgate.app;

import dev.gemgate.application.alert.ListAlertDeliveries;
import dev.gemgate.application.alert.RecordBudgetAlert;
import dev.gemgate.application.alert.SendDueAlerts;
import dev.gemgate.domain.alert.AlertDeliveryStore;
import dev.gemgate.domain.alert.RetryPolicy;
import dev.gemgate.domain.alert.WebhookSignature;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.budget.BudgetAlert;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.ServiceUnavailableException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Budget alerts, from the ledger's callback to the webhook ({@code gemgate.alerts.*}).
 * <ul>
 *   <li>{@link #offer} is the ledger's callback. It runs on the request path under a budget slice's lock, so it only
 *   puts the alert, stamped with its event id and time, in a bounded in-memory queue and returns: no I/O, never blocks.
 *   A full queue drops the alert and counts it.</li>
 *   <li>One virtual thread records each queued alert ({@link RecordBudgetAlert}: the delivery row, the audit event,
 *   the metric), retrying with backoff while the database is down, then asks for a send round at once.</li>
 *   <li>With a webhook configured, a virtual thread runs {@link SendDueAlerts} every {@code poll-interval}: the
 *   deliveries due now, claimed fleet-wide with {@code FOR UPDATE SKIP LOCKED}, so retries survive a restart and two
 *   replicas never make the same attempt.</li>
 *   <li>On shutdown, after the budget slices went back and before the audit log closes, the queue is drained (each
 *   alert recorded once, without retries). A crash loses what is queued (alerts of the last moments): the ledger
 *   reports a crossing once, so that alert is not repeated.</li>
 * </ul>
 * The webhook's URL and secret are checked at start-up (a URL without a secret stops the start) and never logged.
 */
@Singleton
public class AlertWiring {
    private static final Logger LOG = Logger.getLogger(AlertWiring.class);
    private static final Duration MAX_RECORD_RETRY = Duration.ofSeconds(30);
    private static final int OTHER_FAILURE_TRIES = 5;

    private final BlockingQueue<RecordBudgetAlert.Command> queue;
    private final RecordBudgetAlert recordAlert;
    private final Optional<SendDueAlerts> sendDue;
    private final MicrometerAlertMetrics metrics;
    private final Clock clock;
    private final IdGenerator ids;
    private final Duration pollInterval;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread dispatcher;
    private volatile ScheduledExecutorService sender;
    private volatile boolean outageLogged;

    public AlertWiring(GemgateConfig config, AuditLog audit, AlertDeliveryStore store,
                       MicrometerAlertMetrics metrics, Clock clock, IdGenerator ids) {
        GemgateConfig.Alerts alerts = config.alerts();
        if (alerts.queueCapacity() < 1) {
            throw new IllegalStateException("gemgate.alerts.queue-capacity must be at least 1");
        }
        this.queue = new ArrayBlockingQueue<>(alerts.queueCapacity());
        this.metrics = metrics;
        this.clock = clock;
        this.ids = ids;
        GemgateConfig.Webhook webhook = alerts.webhook();
        this.pollInterval = webhook.pollInterval();
        this.sendDue = webhook.url().filter(u -> !u.isBlank()).map(url -> sendDueAlerts(url, webhook, store, clock));
        this.recordAlert = new RecordBudgetAlert(audit, metrics, sendDue.map(s -> store));
    }

    @Produces
    @Singleton
    ListAlertDeliveries listAlertDeliveries(AlertDeliveryStore store) {
        return new ListAlertDeliveries(store);
    }

    /** The ledger's callback: queue and return (see the class comment). */
    public void offer(BudgetAlert alert) {
        if (!queue.offer(new RecordBudgetAlert.Command(ids.newUuid(), alert, clock.instant()))) {
            metrics.dropped();
        }
    }

    void onStart(@Observes StartupEvent event) {
        dispatcher = Thread.ofVirtual().name("gemgate-alert-recorder").start(this::recordQueued);
        sendDue.ifPresent(s -> {
            sender = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("gemgate-alert-sender")
                    .factory());
            long period = Math.max(1, pollInterval.toMillis());
            sender.scheduleWithFixedDelay(this::sendRound, period, period, TimeUnit.MILLISECONDS);
        });
    }

    /** After BudgetWiring gave the slices back (priority 2), before the audit log closes (default priority). */
    void onShutdown(@Observes @Priority(3) ShutdownEvent event) {
        stopping.countDown();
        ScheduledExecutorService timer = sender;
        if (timer != null) {
            timer.shutdownNow();
        }
        Thread recorder = dispatcher;
        if (recorder != null) {
            try {
                recorder.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int lost = 0;
        for (RecordBudgetAlert.Command command; (command = queue.poll()) != null; ) {
            try {
                recordAlert.execute(command);
            } catch (RuntimeException e) {
                lost++;
            }
        }
        if (lost > 0) {
            LOG.warnf("%d budget alerts could not be recorded at shutdown (the database was unavailable)", lost);
        }
    }

    private void recordQueued() {
        while (stopping.getCount() > 0) {
            RecordBudgetAlert.Command command;
            try {
                command = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (command != null && record(command)) {
                sendSoon();
            }
        }
    }

    /**
     * Records one alert, retrying with backoff while the database is unavailable, until it is taken or the instance
     * stops (then the drain tries once). Any other failure is tried {@link #OTHER_FAILURE_TRIES} times, then the alert
     * is dropped (counted), so that one bad alert cannot hold up the others.
     */
    private boolean record(RecordBudgetAlert.Command command) {
        Duration wait = Duration.ofSeconds(1);
        int otherFailures = 0;
        while (true) {
            try {
                recordAlert.execute(command);
                return true;
            } catch (RuntimeException e) {
                if (!(e instanceof ServiceUnavailableException) && ++otherFailures >= OTHER_FAILURE_TRIES) {
                    LOG.errorf(e, "budget alert %s could not be recorded; dropped", command.eventId());
                    metrics.dropped();
                    return false;
                }
                LOG.warnf("recording budget alert %s failed (%s); retrying in %s", command.eventId(),
                        e.getClass().getSimpleName(), wait);
                try {
                    if (stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        queue.offer(command); // the shutdown drain tries it once more
                        return false;
                    }
                } catch (InterruptedException interrupted) {
                    return false;
                }
                wait = wait.multipliedBy(2).compareTo(MAX_RECORD_RETRY) > 0 ? MAX_RECORD_RETRY : wait.multipliedBy(2);
            }
        }
    }

    private void sendSoon() {
        ScheduledExecutorService timer = sender;
        if (timer != null) {
            try {
                timer.execute(this::sendRound);
            } catch (RejectedExecutionException stopped) {
                // shutting down: the next start sends it
            }
        }
    }

    private void sendRound() {
        SendDueAlerts send = sendDue.orElseThrow();
        try {
            while (stopping.getCount() > 0 && send.execute() > 0) {
                // a full batch may leave more due: go on until nothing is
            }
            if (outageLogged) {
                outageLogged = false;
                LOG.info("sending budget alert webhooks again");
            }
        } catch (RuntimeException e) {
            if (!outageLogged || !(e instanceof ServiceUnavailableException)) {
                LOG.warnf("sending budget alert webhooks failed (%s); retried every %s", e.getClass().getSimpleName(),
                        pollInterval);
                outageLogged = true;
            }
        }
    }

    private static SendDueAlerts sendDueAlerts(String url, GemgateConfig.Webhook webhook, AlertDeliveryStore store,
                                               Clock clock) {
        String secret = webhook.secret().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "gemgate.alerts.webhook.secret is required when gemgate.alerts.webhook.url is set"));
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("gemgate.alerts.webhook.url must be an absolute http or https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalStateException("gemgate.alerts.webhook.url must be an absolute http or https URL");
        }
        if (webhook.timeout().isNegative() || webhook.timeout().isZero() || webhook.batchSize() < 1
                || webhook.pollInterval().isNegative() || webhook.pollInterval().isZero()) {
            throw new IllegalStateException("gemgate.alerts.webhook.timeout and poll-interval must be positive, "
                    + "batch-size at least 1");
        }
        RetryPolicy policy;
        try {
            policy = new RetryPolicy(webhook.maxAttempts(), webhook.initialBackoff(), webhook.maxBackoff());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gemgate.alerts.webhook: max-attempts must be at least 1, initial-backoff "
                    + "positive and max-backoff at least initial-backoff", e);
        }
        // an attempt takes at most the connect timeout plus the answer's: the claim outlives it
        Duration lease = webhook.timeout().multipliedBy(2).plusSeconds(30);
        LOG.infof("budget alerts are sent to a webhook at %s://%s (max %d attempts)", scheme, uri.getHost(),
                policy.maxAttempts());
        return new SendDueAlerts(store, new JdkWebhookSender(uri, new WebhookSignature(secret), webhook.timeout()),
                policy, clock, () -> ThreadLocalRandom.current().nextDouble(), webhook.batchSize(), lease);
    }
}
