package dev.gemgate.domain.budget;

import dev.gemgate.domain.budget.BudgetStore.Account;
import dev.gemgate.domain.budget.BudgetStore.Lease;
import dev.gemgate.domain.budget.BudgetStore.Reservation;
import dev.gemgate.domain.budget.BudgetStore.SettlementKind;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The budget ledger of one replica over the fleet-wide {@link BudgetStore}, shaped like the quota's
 * {@code LeasedQuotaLimiter}: the replica leases money from each budget's account a slice at a time (one atomic
 * statement, {@code leased + grant <= limit}), reserves requests from its slices in memory, and writes each
 * reservation and each settlement as an append-only ledger row (an insert: no two requests ever wait on one row).
 * Only a slice running short goes to the budget's row.
 *
 * <p><b>Reserve.</b> The budgets that apply ({@link BudgetSource}) are taken in the fixed order tenant, API key, end
 * user: the estimate comes out of each one's slice (topped up by a lease of what is left of the account, at most
 * {@code max(shortfall, limit / slicesPerLimit)}); if one cannot afford it, what was taken from the others goes back to
 * their slices and the request is refused naming that budget and its reset. Then the reservation row is appended; a
 * request id that already has one (a retry) gets the same reservation ({@link #reservationOf}), nothing held twice.
 *
 * <p><b>Settle and release.</b> The settlement row is appended with the actual cost, capped at the reserved amount
 * (a call that cost more than its upper-bound estimate is charged the estimate, so the invariant holds even then); the
 * unused part goes back to this replica's slices once that row is durable. A release is a settlement of zero. A
 * reservation already settled (a second settle, or expiry got there first) is charged nothing more and gives nothing
 * back. With a settlement executor the row is written off the request path: the response does not wait for it, and a
 * crash before it is written leaves the reservation to expire, charged its reserved amount (never less than the call
 * can have cost).
 *
 * <p><b>Round trips.</b> In {@code SYNC} and {@code ASYNC}, per budgeted request, two appended rows (the reservation
 * and the settlement); the store group-commits those of concurrent requests. In {@code SLICE}, none per request: two
 * rows per set of accounts charged, per {@link #writeCharges}. Leases go to the account row once per slice.
 *
 * <p><b>Durability of the reservation row</b> ({@link Durability}). {@code SYNC}: the row is committed before
 * {@link #reserve} returns, so before the upstream call. {@code ASYNC} (needs a settlement executor): the row is handed
 * to the store ({@link BudgetStore#appendReservation}) and written alongside the call; the settlement's write waits for
 * it. The money is taken from the slice before either returns, in both modes, so the limit holds the same way. What
 * {@code ASYNC} gives up is the record of a call through a crash: a replica that dies before its row is committed (the
 * store's group-commit window) leaves no row for the sweep to charge, so that call's cost is missing from the ledger's
 * settled spend (the money stays leased: never spent twice, never over the limit). A reservation whose write fails
 * later is treated alike: its unused part goes back to the slice, its actual cost stays out of it, a warning is logged.
 * Long-lived reservations (those with a {@code holdFor}, a batch job's) are always written {@code SYNC}.
 *
 * <p><b>Reservations per slice</b> ({@link Durability#SLICE}, no per-request row). A request's reservation is held in
 * this replica's memory against its slices, which hold money already leased in the store; its settlement adds what it
 * charges to this replica's running charges for its set of accounts and puts the unused part straight back into the
 * slices. {@link #writeCharges} (run periodically, and by {@link #flush}) writes each set's charges as one settled ledger
 * entry (a reservation row of the sum, and its settlement), so the settled spend is rebuilt from the rows as in the
 * other modes, a few rows per interval instead of two per request. The limit holds the same way: a charge never goes
 * back to a slice, so it stays leased whether or not its entry is written yet. What a crash loses is the record, not
 * the limit: the charges not yet written and the calls in flight are missing from the settled spend, their money stays
 * leased (spent for the period, never twice). A request held past {@code reservationTtl} (it never settled) is charged
 * its reserved amount by the next {@link #writeCharges}, as the sweep does with rows.
 *
 * <p><b>Expiry.</b> A reservation expires {@code reservationTtl} after it was taken. {@link #sweep} (run periodically
 * by any replica) settles every expired, unsettled reservation at its reserved amount: a crashed replica's calls may
 * have been billed, so they are never simply released. The money was already leased for them, so nothing is taken
 * twice. {@code reservationTtl} must exceed the longest call (a longer call is charged its reserved amount).
 *
 * <p><b>Accuracy.</b> Invariant: for every account, settled spend &lt;= money leased &lt;= limit, whatever the number
 * of threads and replicas: a settlement is at most its reservation, a reservation comes out of leased money, and only
 * money no reservation holds is given back. <em>Overshoot: none.</em> The price is under-use: while replicas hold
 * slices, a request can be refused although up to {@code (replicas - 1) x 2 x slice} sits unused in other replicas'
 * slices (settlements give back what a slice holds beyond two slices; {@link #flush} gives back the rest); a crashed
 * replica's slices are lost to the period (under-spend, at most two slices per budget per crash), never spent twice. Soft alerts ({@link BudgetAlert}) fire on the lease that takes
 * the fleet-wide leased total across a threshold: early by at most the slices held unused, never late.
 */
public final class LeasedBudgetLedger implements BudgetLedger {
    private static final System.Logger LOG = System.getLogger(LeasedBudgetLedger.class.getName());

    /**
     * When a request's reservation row is written: before {@link #reserve} returns ({@code SYNC}), alongside the call
     * ({@code ASYNC}), or never, its charge written with others' by {@link #writeCharges} ({@code SLICE}).
     */
    public enum Durability { SYNC, ASYNC, SLICE }

    private final BudgetStore store;
    private final BudgetSource source;
    private final String holder;
    private final long slicesPerLimit;
    private final Duration reservationTtl;
    private final Consumer<BudgetAlert> alerts;
    private final Map<String, Slice> slices = new ConcurrentHashMap<>();
    private final Map<ReservationId, Open> open = new ConcurrentHashMap<>();
    private final Executor settlements;
    private final Durability durability;
    private final Set<CompletableFuture<Void>> settling = ConcurrentHashMap.newKeySet();
    /** {@code SLICE}: what settlements charged per set of accounts (micro-USD), not yet written. */
    private final Map<List<String>, Long> charges = new ConcurrentHashMap<>();
    private volatile Instant sweptUpTo;
    private volatile CommitmentObserver commitments = (budget, committed, resetsAt) -> {
    };

    /**
     * Observes what each lease learns of its account: the money committed fleet-wide ({@code committed}: settled,
     * reserved or held in replicas' slices, an upper bound of the spend) against the budget, valid until the period
     * resets at {@code resetsAt}. For meters: it runs on the request's thread and must not block.
     */
    public interface CommitmentObserver {
        void committed(Budget budget, Money committed, Instant resetsAt);
    }

    /** Sets the one observer of commitments (the budget-utilisation gauge); it replaces any earlier one. */
    public void observeCommitments(CommitmentObserver observer) {
        if (observer == null) {
            throw new IllegalArgumentException("an observer is required");
        }
        this.commitments = observer;
    }

    /**
     * @param holder         this replica's name on its reservation rows
     * @param slicesPerLimit a lease takes at most this fraction of a budget's limit (at least the shortfall)
     * @param reservationTtl how long a reservation lives before {@link #sweep} settles it at its reserved amount
     * @param sweepFrom      the first sweep looks back to this instant (reservations of replicas that died before)
     */
    public LeasedBudgetLedger(BudgetStore store, BudgetSource source, String holder, long slicesPerLimit,
                              Duration reservationTtl, Instant sweepFrom, Consumer<BudgetAlert> alerts) {
        this(store, source, holder, slicesPerLimit, reservationTtl, sweepFrom, alerts, null);
    }

    /**
     * @param settlements where settlements are written off the request path (a settle or release returns at once; the
     *                    unused part of the reservation comes back to the slices once its settlement is durable); null
     *                    writes them on the caller's thread
     */
    public LeasedBudgetLedger(BudgetStore store, BudgetSource source, String holder, long slicesPerLimit,
                              Duration reservationTtl, Instant sweepFrom, Consumer<BudgetAlert> alerts,
                              Executor settlements) {
        this(store, source, holder, slicesPerLimit, reservationTtl, sweepFrom, alerts, settlements, Durability.SYNC);
    }

    /**
     * @param durability when a request's reservation row is written ({@link Durability}); {@code ASYNC} needs a
     *                   settlement executor, where a settlement waits for its reservation's row
     */
    public LeasedBudgetLedger(BudgetStore store, BudgetSource source, String holder, long slicesPerLimit,
                              Duration reservationTtl, Instant sweepFrom, Consumer<BudgetAlert> alerts,
                              Executor settlements, Durability durability) {
        if (durability == null || (durability == Durability.ASYNC && settlements == null)) {
            throw new IllegalArgumentException("a durability is required, and ASYNC needs a settlement executor");
        }
        if (store == null || source == null || holder == null || reservationTtl == null || sweepFrom == null
                || alerts == null) {
            throw new IllegalArgumentException("ledger parts are required");
        }
        if (slicesPerLimit < 1 || reservationTtl.isNegative() || reservationTtl.isZero()) {
            throw new IllegalArgumentException("slicesPerLimit >= 1 and a positive reservation ttl are required");
        }
        this.store = store;
        this.source = source;
        this.holder = holder;
        this.slicesPerLimit = slicesPerLimit;
        this.reservationTtl = reservationTtl;
        this.alerts = alerts;
        this.sweptUpTo = sweepFrom;
        this.settlements = settlements;
        this.durability = durability;
    }

    /**
     * The reservation of a request id: derived from it, so every replica names a retry's reservation alike. Its low 64
     * bits are a name-based hash of the request id. When the request id is a UUID (the gateway's own are version 7,
     * ordered by time), its high 64 bits are the request id's, marked version 8 (RFC 9562's custom layout): the
     * reservation ids are then ordered by time as their request ids are, and the ledger's rows go in at the right edge
     * of their indexes rather than at a random page. Any other request id gets the hash alone (a version 3 UUID).
     */
    public static ReservationId reservationOf(RequestId requestId) {
        UUID hashed = UUID.nameUUIDFromBytes(("budget-reservation:" + requestId.value())
                .getBytes(StandardCharsets.UTF_8));
        return new ReservationId(canonicalUuid(requestId.value())
                .map(id -> new UUID((id.getMostSignificantBits() & ~0xf000L) | 0x8000L,
                        hashed.getLeastSignificantBits()))
                .orElse(hashed));
    }

    /** {@code value} as a UUID when it is one in the canonical (lower-case, 36 character) form. */
    private static Optional<UUID> canonicalUuid(String value) {
        if (value.length() != 36 || value.charAt(8) != '-' || value.charAt(13) != '-' || value.charAt(18) != '-'
                || value.charAt(23) != '-') {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(value);
            return id.toString().equals(value) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public ReservationOutcome reserve(ReservationRequest request, Instant now) {
        ReservationId id = reservationOf(request.requestId());
        if (open.containsKey(id)) {
            return new ReservationOutcome.Reserved(id);
        }
        List<Budget> budgets = new ArrayList<>(source.applicableTo(request.tenant(), request.apiKey(),
                request.endUser()));
        budgets.sort(Comparator.comparing(Budget::scope));
        if (budgets.isEmpty()) {
            return new ReservationOutcome.Reserved(id);
        }
        Money estimate = request.estimate();
        List<Slice> taken = new ArrayList<>(budgets.size());
        for (Budget budget : budgets) {
            Slice slice = slices.computeIfAbsent(budget.accountKey(now), key -> new Slice(budget, key,
                    budget.period().nextReset(now, budget.zone())));
            if (!slice.take(estimate, now)) {
                taken.forEach(t -> t.put(estimate));
                return new ReservationOutcome.Refused(budget, budget.period().nextReset(now, budget.zone()));
            }
            taken.add(slice);
        }
        List<String> keys = taken.stream().map(s -> s.key).toList();
        if (durability == Durability.SLICE && request.holdFor().isEmpty()) {
            if (open.putIfAbsent(id, new Open(List.copyOf(taken), keys, estimate, null, now.plus(reservationTtl)))
                    != null) {
                taken.forEach(t -> t.put(estimate)); // the same request id at once: one reservation holds its money
            }
            return new ReservationOutcome.Reserved(id);
        }
        Reservation row = new Reservation(id, request.requestId(), keys, estimate, holder, now,
                now.plus(request.holdFor().orElse(reservationTtl)));
        if (durability == Durability.ASYNC && request.holdFor().isEmpty()) {
            CompletableFuture<Boolean> written;
            try {
                written = store.appendReservation(row).toCompletableFuture();
            } catch (RuntimeException e) {
                taken.forEach(t -> t.put(estimate));
                throw e;
            }
            open.put(id, new Open(List.copyOf(taken), keys, estimate, written, null));
            return new ReservationOutcome.Reserved(id);
        }
        boolean recorded;
        try {
            recorded = store.recordReservation(row);
        } catch (RuntimeException e) {
            taken.forEach(t -> t.put(estimate));
            throw e;
        }
        if (!recorded) {
            taken.forEach(t -> t.put(estimate));
            return new ReservationOutcome.Reserved(id);
        }
        open.put(id, new Open(List.copyOf(taken), keys, estimate, null, null));
        return new ReservationOutcome.Reserved(id);
    }

    @Override
    public void settle(ReservationId reservation, Money actualCost, Instant now) {
        close(reservation, actualCost, SettlementKind.SETTLED, now);
    }

    @Override
    public void release(ReservationId reservation, Instant now) {
        close(reservation, Money.ZERO, SettlementKind.RELEASED, now);
    }

    /**
     * A reservation this replica still holds is settled as {@link #settle} does. Any other (taken by another replica,
     * or by this one before a restart) is settled in the store directly, and what it does not charge goes back to
     * each of its accounts: the money was leased for it by whoever reserved it, and that replica's slice no longer
     * counts it. One store read more than a settlement; for long-lived reservations only, never on the request path.
     */
    @Override
    public void settleDetached(ReservationId reservation, Money actualCost, Instant now) {
        if (open.containsKey(reservation)) {
            close(reservation, actualCost, SettlementKind.SETTLED, now);
            return;
        }
        Optional<Reservation> row = store.reservation(reservation);
        if (row.isEmpty()) {
            return; // no budget applied when it was reserved
        }
        Money charged = actualCost.compareTo(row.get().amount()) > 0 ? row.get().amount() : actualCost;
        Optional<Money> recorded = store.settle(reservation, charged, SettlementKind.SETTLED, now);
        if (recorded.isPresent()) {
            Money unused = row.get().amount().minusOrZero(recorded.get());
            if (!unused.isZero()) {
                row.get().accountKeys().forEach(key -> store.giveBack(key, unused));
            }
        }
    }

    private void close(ReservationId reservation, Money amount, SettlementKind kind, Instant now) {
        Open held = open.remove(reservation);
        if (held == null) {
            // no budget applied, or already settled here, or swept as expired (then spent at its reserved amount)
            return;
        }
        Money charged = amount.compareTo(held.amount) > 0 ? held.amount : amount;
        if (held.inMemory()) {
            // the charge stays out of the slices (leased, spent) until writeCharges records it; the rest is free at once
            charge(held, charged);
            returnToSlices(held, held.amount.minusOrZero(charged), now); // trimmed by writeCharges, off the request
            return;
        }
        Runnable write = () -> {
            if (held.written != null && !rowWritten(reservation, held, charged, now)) {
                return;
            }
            Optional<Money> recorded = store.settle(reservation, charged, kind, now);
            if (recorded.isPresent()) {
                // only once the settlement is durable does the unused part go back to be reserved again
                putBack(held, held.amount.minusOrZero(recorded.get()), now);
            }
        };
        if (settlements == null) {
            write.run();
            return;
        }
        CompletableFuture<Void> pending = new CompletableFuture<>();
        settling.add(pending);
        try {
            settlements.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    // it stays a reservation: it expires and is charged its reserved amount, never less
                    LOG.log(System.Logger.Level.WARNING, "settling budget reservation {0} failed ({1}); it expires "
                            + "and is then charged its reserved amount", reservation.value(), e.getClass().getName());
                } finally {
                    settling.remove(pending);
                    pending.complete(null);
                }
            });
        } catch (RuntimeException e) {
            settling.remove(pending);
            throw e;
        }
    }

    /**
     * Waits for an {@code ASYNC} reservation's row; false when there is no row of it to settle, its money then dealt
     * with here. A row the store did not write: nothing in the ledger names the call, its actual cost stays spent out
     * of the leased money (the limit still counts it) and the rest goes back to the slices. A row the store did not
     * need (the request id was reserved before, fleet-wide): that reservation is settled by whoever took it, and this
     * one's money all goes back.
     */
    private boolean rowWritten(ReservationId reservation, Open held, Money charged, Instant now) {
        Money back;
        try {
            if (held.written.join()) {
                return true;
            }
            back = held.amount;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "budget reservation {0} was never written ({1}); its cost stays "
                    + "spent out of the leased money, unrecorded in the ledger", reservation.value(),
                    (e.getCause() == null ? e : e.getCause()).getClass().getName());
            back = held.amount.minusOrZero(charged);
        }
        putBack(held, back, now);
        return false;
    }

    /** Puts {@code amount} of a closed reservation back into its slices (while their period runs), then trims them. */
    private static void putBack(Open held, Money amount, Instant now) {
        if (returnToSlices(held, amount, now)) {
            held.slices.forEach(Slice::giveBackExcess);
        }
    }

    /** Puts {@code amount} back into a closed reservation's slices (while their period runs); false if it is zero. */
    private static boolean returnToSlices(Open held, Money amount, Instant now) {
        if (amount.isZero()) {
            return false;
        }
        held.slices.forEach(slice -> slice.putIfCurrent(amount, now));
        return true;
    }

    private void charge(Open held, Money amount) {
        if (!amount.isZero()) {
            charges.merge(held.keys, amount.micros(), Long::sum);
        }
    }

    /**
     * {@code SLICE}: charges the requests held past their ttl their reserved amount (they never settled), then writes
     * what settlements charged since the last call, one settled ledger entry per set of accounts (a reservation row of
     * the sum, with a time-ordered id, and its settlement), then gives back what slices hold beyond two slices. A set
     * whose row cannot be written keeps its charges for the next call, and the failure is thrown once the others are
     * written. Between the row and its settlement a failure leaves the row to the sweep, which charges it its amount: the
     * same sum. Returns how many entries were written.
     */
    public synchronized int writeCharges(Instant now) {
        for (Map.Entry<ReservationId, Open> entry : open.entrySet()) {
            Open held = entry.getValue();
            if (held.inMemory() && !now.isBefore(held.heldUntil) && open.remove(entry.getKey(), held)) {
                charge(held, held.amount);
            }
        }
        int written = 0;
        RuntimeException failed = null;
        for (List<String> keys : List.copyOf(charges.keySet())) {
            Long micros = charges.remove(keys);
            if (micros == null || micros == 0) {
                continue;
            }
            UUID entryId = IdGenerator.timeOrderedUuid();
            Reservation row = new Reservation(new ReservationId(entryId), new RequestId("charges-" + entryId), keys,
                    Money.ofMicros(micros), holder, now, now.plus(reservationTtl));
            try {
                store.recordReservation(row);
            } catch (RuntimeException e) {
                charges.merge(keys, micros, Long::sum);
                failed = failed == null ? e : failed;
                continue;
            }
            written++;
            try {
                store.settle(row.id(), row.amount(), SettlementKind.SETTLED, now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "settling budget charges {0} failed ({1}); the sweep charges "
                        + "them at their amount when they expire", entryId, e.getClass().getName());
            }
        }
        for (Slice slice : slices.values()) {
            try {
                slice.giveBackExcess();
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return written;
    }

    /**
     * Settles at their reserved amount the reservations (of any replica) that expired since the last sweep; this
     * replica's own among them stop being open (their unused part never comes back: they are spent). Returns them.
     */
    public List<ReservationId> sweep(Instant now) {
        Instant from = sweptUpTo;
        if (!now.isAfter(from)) {
            return List.of();
        }
        List<ReservationId> expired = store.settleExpired(from, now);
        sweptUpTo = now;
        expired.forEach(open::remove);
        return expired;
    }

    /**
     * Gives every slice's unused money back to its account (on shutdown, or to end under-use); ended periods' slices are
     * dropped. Waits first (at most {@code settleWait}) for the settlements still being written, so that what they give
     * back goes back too.
     */
    public void flush(Instant now, Duration settleWait) {
        try {
            CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new))
                    .get(settleWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} budget settlement(s) still being written at flush",
                    settling.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush(now);
    }

    /**
     * {@link #flush(Instant, Duration)} without waiting for settlements being written. The charges not yet written are
     * written first ({@link #writeCharges}); those that cannot be stay spent, missing from the ledger's record.
     */
    public void flush(Instant now) {
        if (!charges.isEmpty()) {
            try {
                writeCharges(now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "writing budget charges at flush failed ({0}); their money stays "
                        + "spent, missing from the ledger's settled spend", e.getClass().getName());
            }
        }
        for (Slice slice : slices.values()) {
            Money unused = slice.drain();
            if (!unused.isZero() && now.isBefore(slice.resetsAt)) {
                store.giveBack(slice.key, unused);
            }
            if (!now.isBefore(slice.resetsAt)) {
                slices.remove(slice.key, slice);
            }
        }
    }

    /** Money this replica holds unused for an account (for tests and metrics). */
    public Money sliceOf(String accountKey) {
        Slice slice = slices.get(accountKey);
        return slice == null ? Money.ZERO : slice.available();
    }

    public int openReservations() {
        return open.size();
    }

    /**
     * A reservation this replica holds; {@code written}: its row's write, for an {@code ASYNC} one (else null);
     * {@code heldUntil}: when a {@code SLICE} one, with no row, expires (else null).
     */
    private record Open(List<Slice> slices, List<String> keys, Money amount, CompletableFuture<Boolean> written,
                        Instant heldUntil) {
        boolean inMemory() {
            return heldUntil != null;
        }
    }

    /** The money this replica leased from one account and no reservation holds. */
    private final class Slice {
        private final Budget budget;
        private final String key;
        private final Instant resetsAt;
        private final Account account;
        private long available;

        Slice(Budget budget, String key, Instant resetsAt) {
            this.budget = budget;
            this.key = key;
            this.resetsAt = resetsAt;
            this.account = new Account(key, budget.limit(), budget.alertPercents());
        }

        /** Takes {@code amount}, leasing the shortfall (and up to a slice more) while holding this slice's lock. */
        synchronized boolean take(Money amount, Instant now) {
            long wanted = amount.micros();
            if (available >= wanted) {
                available -= wanted;
                return true;
            }
            long shortfall = wanted - available;
            if (shortfall > budget.limit().micros()) {
                return false;
            }
            long sliceSize = Math.max(shortfall, budget.limit().micros() / slicesPerLimit);
            // whatever is left, up to a slice: when less than the shortfall is left, this replica takes the rest
            // (refusing this request, keeping it for smaller ones), so the account's leased total reaches its limit
            // and the 100% alert fires, once, fleet-wide
            Lease lease = store.lease(account, Money.ofMicros(1), Money.ofMicros(sliceSize), now);
            long granted = lease.granted().micros();
            report(lease);
            if (granted < shortfall) {
                available += granted;
                return false;
            }
            available = available + granted - wanted;
            return true;
        }

        private void report(Lease lease) {
            try {
                commitments.committed(budget, lease.leasedTotal(), resetsAt);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "observing a budget commitment failed: {0}",
                        e.getClass().getName());
            }
            long after = lease.leasedTotal().micros();
            long before = after - lease.granted().micros();
            long limit = budget.limit().micros();
            for (int percent : budget.alertPercents()) {
                long threshold = Math.ceilDiv(Math.multiplyExact(limit, (long) percent), 100L);
                if (before < threshold && after >= threshold) {
                    alerts.accept(new BudgetAlert(budget, key, percent, lease.leasedTotal()));
                }
            }
        }

        synchronized void put(Money amount) {
            available += amount.micros();
        }

        synchronized void putIfCurrent(Money amount, Instant now) {
            if (now.isBefore(resetsAt)) {
                available += amount.micros();
            }
        }

        /**
         * A slice holds at most two slices' worth: what settlements give back beyond that goes back to the account
         * (down to one slice), so that money a burst leased here does not sit idle while another replica is refused.
         * A failed give-back keeps the money here.
         */
        void giveBackExcess() {
            long sliceSize = Math.max(1, budget.limit().micros() / slicesPerLimit);
            long excess;
            synchronized (this) {
                if (available <= 2 * sliceSize) {
                    return;
                }
                excess = available - sliceSize;
                available = sliceSize;
            }
            try {
                store.giveBack(key, Money.ofMicros(excess));
            } catch (RuntimeException e) {
                put(Money.ofMicros(excess));
                throw e;
            }
        }

        synchronized Money drain() {
            Money unused = Money.ofMicros(available);
            available = 0;
            return unused;
        }

        synchronized Money available() {
            return Money.ofMicros(available);
        }
    }
}
