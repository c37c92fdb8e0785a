package dev.gemgate.app;

import dev.gemgate.domain.common.IdGenerator;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Time and ids for the whole application. */
public class CoreProducers {
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Random (version 4) UUIDs from a thread-local generator: ids need uniqueness, not secrecy, and no contention. */
    @Produces
    @Singleton
    IdGenerator ids() {
        return () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
            long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
            return new UUID(msb, lsb);
        };
    }
}
