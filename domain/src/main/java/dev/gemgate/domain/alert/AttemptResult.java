package dev.gemgate.domain.alert;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one attempt of a delivery came to, as the store records it: delivered, to be tried again at
 * {@code nextAttemptAt}, or given up. {@code statusCode} is the receiver's answer (absent when none came), {@code error}
 * what went wrong, without secrets.
 */
public record AttemptResult(DeliveryStatus status, OptionalInt statusCode, Optional<String> error,
                            Optional<Instant> nextAttemptAt, Instant at) {
    public AttemptResult {
        if (status == null || statusCode == null || error == null || nextAttemptAt == null || at == null) {
            throw new IllegalArgumentException("attempt result fields are required (use Optional.empty)");
        }
        if ((status == DeliveryStatus.PENDING) != nextAttemptAt.isPresent()) {
            throw new IllegalArgumentException("exactly a retry has a next attempt");
        }
    }
}
