package dev.gemgate.domain.common;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Port: fresh identifiers, so that tests can make them predictable. */
public interface IdGenerator {
    UUID newUuid();

    default RequestId newRequestId() {
        return new RequestId(newUuid().toString());
    }

    /**
     * A version 7 UUID (RFC 9562): the Unix time in milliseconds, then 74 random bits from a thread-local generator.
     * Ids need uniqueness, not secrecy, and no contention. Being ordered by time, the ids of rows written as traffic
     * flows (audit events, request ids, ledger rows) go in at the right edge of PostgreSQL's B-tree indexes, where
     * random ones land on a random page of an ever larger index: a page to read, dirty and write to the WAL whole after
     * each checkpoint, per row.
     */
    static UUID timeOrderedUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
