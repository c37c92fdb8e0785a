package dev.gemgate.domain.waiting;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one try at admission says: {@link Admitted} with its value, or {@link NotYet}: it would fit in {@code lane}
 * after {@code retryAfter}, and if the request cannot wait that long, {@code refusal} builds what to throw from the
 * real time until it would fit (e.g. a 429 with that {@code Retry-After}).
 */
public sealed interface Attempt<T> {
    record Admitted<T>(T value) implements Attempt<T> {
    }

    record NotYet<T>(Lane lane, Duration retryAfter, Function<Duration, ? extends RuntimeException> refusal)
            implements Attempt<T> {
        public NotYet {
            Objects.requireNonNull(lane, "lane");
            Objects.requireNonNull(refusal, "refusal");
            if (retryAfter == null || retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must be zero or positive: " + retryAfter);
            }
        }
    }

    static <T> Attempt<T> admitted(T value) {
        return new Admitted<>(value);
    }

    static <T> Attempt<T> notYet(Lane lane, Duration retryAfter,
                                 Function<Duration, ? extends RuntimeException> refusal) {
        return new NotYet<>(lane, retryAfter, refusal);
    }
}
