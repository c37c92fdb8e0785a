package dev.gemgate.application.generation;

import dev.gemgate.domain.generation.StreamLimits;

import java.time.Duration;

/**
 * Deadlines of streamed generations: {@code idle} is the longest wait for the next chunk (the first one included: a
 * thinking model may think a while before it writes), {@code total} the longest a stream may run. A stream that keeps
 * producing is never cut before {@code total}.
 */
public record StreamPolicy(Duration idle, Duration total) {
    public StreamPolicy {
        new StreamLimits(total, idle); // the same rules
    }

    public static StreamPolicy defaults() {
        return new StreamPolicy(Duration.ofMinutes(2), Duration.ofMinutes(30));
    }

    StreamLimits limits() {
        return new StreamLimits(total, idle);
    }
}
