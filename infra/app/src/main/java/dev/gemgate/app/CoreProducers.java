package dev.gemgate.app;

import dev.gemgate.domain.common.IdGenerator;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Time and ids for the whole application. */
public class CoreProducers {
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Version 7 UUIDs ({@link IdGenerator#timeOrderedUuid}): the ids of audit events and request ids (and the ledger's
     * reservation ids derived from them, {@code LeasedBudgetLedger.reservationOf}) go in at the right edge of
     * PostgreSQL's B-tree indexes.
     */
    @Produces
    @Singleton
    IdGenerator ids() {
        return IdGenerator::timeOrderedUuid;
    }
}
