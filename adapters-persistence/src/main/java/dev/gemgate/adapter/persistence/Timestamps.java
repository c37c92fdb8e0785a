package dev.gemgate.adapter.persistence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * PostgreSQL keeps microseconds and would round finer instants; truncating before writing makes what is read back
 * equal to what was written (the JDK clock may carry nanoseconds).
 */
final class Timestamps {
    private Timestamps() {
    }

    static Instant toDatabase(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }
}
