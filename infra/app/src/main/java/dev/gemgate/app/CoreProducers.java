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

    /**
     * Version 7 UUIDs (RFC 9562): the Unix time in milliseconds, then 74 random bits from a thread-local generator.
     * Ids need uniqueness, not secrecy, and no contention. Being ordered by time, the ids of audit events and request ids
     * (and the ledger's reservation ids derived from them, {@code LeasedBudgetLedger.reservationOf}) go in at the right
     * edge of PostgreSQL's B-tree indexes, where random ones land on a random page of an ever larger index: a page to
     * read, dirty and write to the WAL whole after each checkpoint, per row.
     */
    @Produces
    @Singleton
    IdGenerator ids() {
        return CoreProducers::timeOrderedUuid;
    }

    static UUID timeOrderedUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
