package dev.gemgate.domain.fakes;

import dev.gemgate.domain.budget.BudgetStore;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The fleet-wide budget store in memory, with the semantics of the PostgreSQL adapter: each method is atomic
 * (synchronized), ledger rows are only ever appended. Shared by several {@code LeasedBudgetLedger}s it stands for
 * several replicas. Counts its calls, so tests can see the hot path stay off the store.
 */
public final class InMemoryBudgetStore implements BudgetStore {
    /** While true, every settlement fails as an unreachable database would. */
    public volatile boolean failSettlements;
    private final Map<String, long[]> accounts = new HashMap<>(); // key -> {limit, leased}
    private final Map<ReservationId, Reservation> reservations = new LinkedHashMap<>();
    private final Map<RequestId, ReservationId> byRequest = new HashMap<>();
    private final Map<ReservationId, Settled> settlements = new LinkedHashMap<>();
    private int leases;
    /** While true, {@link #appendReservation} queues its row until {@link #writeAppendedReservations} runs. */
    public volatile boolean holdAppendedReservations;
    /** While true, an appended reservation's write fails (after it was handed over) as a database error would. */
    public volatile boolean failAppendedReservations;
    private final List<Runnable> appended = new ArrayList<>();
    /** While true, {@link #recordReservation} fails as an unreachable database would. */
    public volatile boolean failRecordedReservations;

    public record Settled(Money amount, SettlementKind kind, Instant at) {
    }

    @Override
    public synchronized Lease lease(Account account, Money minimum, Money wanted, Instant now) {
        leases++;
        long[] row = accounts.computeIfAbsent(account.key(), k -> new long[] {account.limit().micros(), 0});
        row[0] = account.limit().micros();
        long left = Math.max(0, row[0] - row[1]);
        long granted = left >= minimum.micros() ? Math.min(wanted.micros(), left) : 0;
        row[1] += granted;
        return new Lease(Money.ofMicros(granted), Money.ofMicros(row[1]));
    }

    @Override
    public synchronized void giveBack(String accountKey, Money amount) {
        long[] row = accounts.get(accountKey);
        if (row != null) {
            row[1] = Math.max(0, row[1] - amount.micros());
        }
    }

    @Override
    public synchronized Optional<Reservation> reservation(ReservationId id) {
        return Optional.ofNullable(reservations.get(id));
    }

    @Override
    public synchronized boolean recordReservation(Reservation reservation) {
        if (failRecordedReservations) {
            throw new IllegalStateException("the database is unreachable");
        }
        if (byRequest.containsKey(reservation.requestId()) || reservations.containsKey(reservation.id())) {
            return false;
        }
        reservations.put(reservation.id(), reservation);
        byRequest.put(reservation.requestId(), reservation.id());
        return true;
    }

    @Override
    public synchronized CompletionStage<Boolean> appendReservation(Reservation reservation) {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        appended.add(() -> {
            if (failAppendedReservations) {
                written.completeExceptionally(new IllegalStateException("the database refused the row"));
            } else {
                written.complete(recordReservation(reservation));
            }
        });
        if (!holdAppendedReservations) {
            writeAppendedReservations();
        }
        return written;
    }

    /** Writes the reservation rows {@link #appendReservation} queued; returns how many. */
    public synchronized int writeAppendedReservations() {
        List<Runnable> queued = List.copyOf(appended);
        appended.clear();
        queued.forEach(Runnable::run);
        return queued.size();
    }

    @Override
    public synchronized Optional<Money> settle(ReservationId reservation, Money amount, SettlementKind kind,
                                               Instant now) {
        if (failSettlements) {
            throw new IllegalStateException("the database is down");
        }
        Reservation held = reservations.get(reservation);
        if (held == null || settlements.containsKey(reservation)) {
            return Optional.empty();
        }
        Money charged = amount.compareTo(held.amount()) > 0 ? held.amount() : amount;
        settlements.put(reservation, new Settled(charged, kind, now));
        return Optional.of(charged);
    }

    @Override
    public synchronized List<ReservationId> settleExpired(Instant from, Instant now) {
        List<ReservationId> expired = new ArrayList<>();
        for (Reservation r : reservations.values()) {
            if (r.expiresAt().isAfter(from) && !r.expiresAt().isAfter(now) && !settlements.containsKey(r.id())) {
                settlements.put(r.id(), new Settled(r.amount(), SettlementKind.EXPIRED, now));
                expired.add(r.id());
            }
        }
        return expired;
    }

    @Override
    public synchronized Money settledSpend(String accountKey) {
        long total = 0;
        for (Map.Entry<ReservationId, Settled> s : settlements.entrySet()) {
            if (reservations.get(s.getKey()).accountKeys().contains(accountKey)) {
                total += s.getValue().amount().micros();
            }
        }
        return Money.ofMicros(total);
    }

    public synchronized Money leased(String accountKey) {
        long[] row = accounts.get(accountKey);
        return Money.ofMicros(row == null ? 0 : row[1]);
    }

    public synchronized Optional<Settled> settlementOf(ReservationId reservation) {
        return Optional.ofNullable(settlements.get(reservation));
    }

    public synchronized int reservationCount() {
        return reservations.size();
    }

    public synchronized int leaseCount() {
        return leases;
    }
}
