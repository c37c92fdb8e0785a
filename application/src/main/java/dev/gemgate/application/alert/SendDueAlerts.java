package dev.gemgate.application.alert;

import dev.gemgate.domain.alert.AlertDelivery;
import dev.gemgate.domain.alert.AlertDeliveryStore;
import dev.gemgate.domain.alert.AttemptResult;
import dev.gemgate.domain.alert.DeliveryStatus;
import dev.gemgate.domain.alert.RetryPolicy;
import dev.gemgate.domain.alert.WebhookResponse;
import dev.gemgate.domain.alert.WebhookSender;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;

/**
 * One round of webhook sending, run on a schedule by every replica: claims the deliveries due now (the store makes sure
 * two replicas never claim the same attempt), POSTs each at once on a virtual thread of its own, and records how each
 * attempt went: 2xx delivered; a retryable failure ({@link RetryPolicy}) due again after the policy's backoff, or failed
 * when it was the last attempt; any other 4xx failed at once. The claim's lease outlasts an attempt (the request
 * timeout plus a margin), so a replica that dies mid-attempt leaves its deliveries due again once the lease is over: an
 * attempt may then be repeated (at least once delivery; receivers dedupe on the event id).
 */
public final class SendDueAlerts {
    private final AlertDeliveryStore store;
    private final WebhookSender sender;
    private final RetryPolicy policy;
    private final Clock clock;
    private final DoubleSupplier random;
    private final int batchSize;
    private final Duration claimLease;

    public SendDueAlerts(AlertDeliveryStore store, WebhookSender sender, RetryPolicy policy, Clock clock,
                         DoubleSupplier random, int batchSize, Duration claimLease) {
        if (batchSize < 1 || claimLease.isNegative() || claimLease.isZero()) {
            throw new IllegalArgumentException("a batch of at least one and a positive claim lease");
        }
        this.store = store;
        this.sender = sender;
        this.policy = policy;
        this.clock = clock;
        this.random = random;
        this.batchSize = batchSize;
        this.claimLease = claimLease;
    }

    /** Sends what is due now; returns how many attempts were made. */
    public int execute() {
        List<AlertDelivery> due = store.claimDue(clock.instant(), batchSize, claimLease);
        if (due.size() == 1) {
            attempt(due.getFirst());
        } else if (!due.isEmpty()) {
            List<Future<?>> attempts = new ArrayList<>(due.size());
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                due.forEach(delivery -> attempts.add(threads.submit(() -> attempt(delivery))));
            }
            rethrowFirstFailure(attempts);
        }
        return due.size();
    }

    /**
     * A failure to record an attempt (the database went away) is the caller's to report; the delivery itself is due
     * again when its claim's lease is over.
     */
    private static void rethrowFirstFailure(List<Future<?>> attempts) {
        for (Future<?> attempt : attempts) {
            try {
                attempt.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void attempt(AlertDelivery delivery) {
        int attempt = delivery.attempts();
        if (attempt > policy.maxAttempts()) {
            // the last attempt's replica stopped before recording it: nothing more is tried
            store.record(delivery.id(), attempt, new AttemptResult(DeliveryStatus.FAILED, delivery.lastStatusCode(),
                    Optional.of("no answer recorded for the last attempt (the instance making it stopped)"),
                    Optional.empty(), clock.instant()));
            return;
        }
        Instant sentAt = clock.instant();
        WebhookResponse response = sender.post(delivery.id(), sentAt, delivery.payload());
        store.record(delivery.id(), attempt, outcome(response, attempt, clock.instant()));
    }

    AttemptResult outcome(WebhookResponse response, int attempt, Instant now) {
        return switch (response) {
            case WebhookResponse.Answered a when a.isSuccess() -> new AttemptResult(DeliveryStatus.DELIVERED,
                    OptionalInt.of(a.statusCode()), Optional.empty(), Optional.empty(), now);
            case WebhookResponse.Answered a when !RetryPolicy.isRetryable(a.statusCode()) ->
                    new AttemptResult(DeliveryStatus.FAILED, OptionalInt.of(a.statusCode()),
                            Optional.of("refused by the receiver with HTTP " + a.statusCode() + " (not retried)"),
                            Optional.empty(), now);
            case WebhookResponse.Answered a -> retryOrFail(attempt, now, OptionalInt.of(a.statusCode()),
                    "HTTP " + a.statusCode());
            case WebhookResponse.Unreachable u -> retryOrFail(attempt, now, OptionalInt.empty(), u.reason());
        };
    }

    private AttemptResult retryOrFail(int attempt, Instant now, OptionalInt status, String error) {
        if (attempt >= policy.maxAttempts()) {
            return new AttemptResult(DeliveryStatus.FAILED, status,
                    Optional.of(error + " (attempt " + attempt + " of " + policy.maxAttempts() + ", giving up)"),
                    Optional.empty(), now);
        }
        return new AttemptResult(DeliveryStatus.PENDING, status, Optional.of(error),
                Optional.of(now.plus(policy.backoffAfter(attempt, random.getAsDouble()))), now);
    }
}
