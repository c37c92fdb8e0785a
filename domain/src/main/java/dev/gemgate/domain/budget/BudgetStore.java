package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Port: the fleet-wide side of the budget ledger, kept where every replica sees it (PostgreSQL). Each method is one
 * atomic step.
 *
 * <p>An <em>account</em> is one budget over one period ({@link Budget#accountKey}). Its row holds the limit and the
 * money leased out of it to replicas ({@code leased}); a lease never takes the leased total above the limit. Its
 * ledger is append-only: a reservation row per request (the accounts it holds money in, the amount, when it expires)
 * and at most one settlement row per reservation (the amount charged, at most the reserved amount). The settled spend
 * of an account is the sum of the settlements of its reservations, rebuilt from those rows alone.
 */
public interface BudgetStore {
    /**
     * Leases between {@code minimum} and {@code wanted} from {@code account}: as much as is left up to {@code wanted},
     * or nothing if less than {@code minimum} is left. The account is created on first use (two replicas creating it
     * at once meet on its key); a changed limit is taken over, and what is leased stays leased.
     */
    Lease lease(Account account, Money minimum, Money wanted, Instant now);

    /** Gives back leased money no reservation holds (never below zero leased). */
    void giveBack(String accountKey, Money amount);

    /**
     * Appends the reservation row; false (and nothing written) if the request id already has one (idempotency: a
     * request id is reserved once, fleet-wide).
     */
    boolean recordReservation(Reservation reservation);

    /**
     * Appends the reservation row without waiting for it: the stage completes with what {@link #recordReservation}
     * returns once the row is committed (group-committed with other requests' rows), or fails with why it was not
     * written. Throws at once, writing nothing, when the store knows it cannot write now (its database is known to be
     * down). By default {@link #recordReservation}, on the caller's thread.
     */
    default CompletionStage<Boolean> appendReservation(Reservation reservation) {
        return CompletableFuture.completedFuture(recordReservation(reservation));
    }

    /**
     * Appends the settlement of a reservation: {@code amount} capped at the reserved amount, {@code kind} SETTLED or
     * RELEASED (a release settles zero). Empty if the reservation is unknown or already settled (by a settlement, a
     * release or expiry): a reservation is charged once, never twice.
     */
    Optional<Money> settle(ReservationId reservation, Money amount, SettlementKind kind, Instant now);

    /**
     * Settles at their reserved amount (kind EXPIRED) the reservations that expired in {@code (from, now]} and are
     * not settled yet; returns them. A replica that crashed left them; the upstream may have billed them.
     */
    List<ReservationId> settleExpired(Instant from, Instant now);

    /** The reservation row of {@code id}, settled or not; empty when none was recorded (no budget applied). */
    Optional<Reservation> reservation(ReservationId id);

    /** The settled spend of an account, rebuilt from the ledger rows (reservations joined with settlements). */
    Money settledSpend(String accountKey);

    enum SettlementKind { SETTLED, RELEASED, EXPIRED }

    /** One budget over one period: {@code key} names it; {@code limit} and {@code alertPercents} are its budget's. */
    record Account(String key, Money limit, List<Integer> alertPercents) {
        public Account {
            if (key == null || key.isBlank() || limit == null || limit.isZero() || alertPercents == null) {
                throw new IllegalArgumentException("invalid budget account");
            }
            alertPercents = List.copyOf(alertPercents);
        }
    }

    /**
     * What a lease got: {@code granted} (zero when less than the minimum was left) and the account's leased total
     * after it (fleet-wide money committed: settled, reserved, or held by replicas).
     */
    record Lease(Money granted, Money leasedTotal) {
        public Lease {
            if (granted == null || leasedTotal == null) {
                throw new IllegalArgumentException("invalid lease");
            }
        }
    }

    /** A reservation row: the money {@code amount} held in each of {@code accountKeys} until {@code expiresAt}. */
    record Reservation(ReservationId id, RequestId requestId, List<String> accountKeys, Money amount, String holder,
                       Instant reservedAt, Instant expiresAt) {
        public Reservation {
            if (id == null || requestId == null || accountKeys == null || accountKeys.isEmpty() || amount == null
                    || holder == null || reservedAt == null || expiresAt == null) {
                throw new IllegalArgumentException("invalid reservation");
            }
            accountKeys = List.copyOf(accountKeys);
        }
    }
}
