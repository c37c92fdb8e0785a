package dev.gemgate.domain.generation;

import java.time.Duration;
import java.util.Objects;

/**
 * The deadlines of one streamed call: {@code total} bounds the whole stream, {@code idle} the wait for the next chunk
 * (for the first one too, after the request was sent). A long thinking stream that keeps producing is bounded only by
 * {@code total}.
 */
public record StreamLimits(Duration total, Duration idle) {
    public StreamLimits {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(idle, "idle");
        if (total.isNegative() || total.isZero() || idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("stream deadlines must be positive");
        }
    }
}
