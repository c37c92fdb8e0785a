package dev.gemgate.domain.budget;

import dev.gemgate.domain.budget.BudgetStore.Account;
import dev.gemgate.domain.budget.BudgetStore.Lease;
import dev.gemgate.domain.budget.BudgetStore.Reservation;
import dev.gemgate.domain.budget.BudgetStore.SettlementKind;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryBudgetStore;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Time is the {@code now} each call passes: moved by hand, never slept. */
class LeasedBudgetLedgerTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(15);
    private static final TenantId TENANT = new TenantId(UUID.randomUUID());
    private static final ApiKeyId KEY = new ApiKeyId(UUID.randomUUID());

    private final InMemoryBudgetStore store = new InMemoryBudgetStore();
    private final List<BudgetAlert> alerts = new ArrayList<>();

    private static Budget tenantBudget(BudgetPeriod period, String dollars, List<Integer> alerts) {
        return new Budget(TENANT, Optional.empty(), Optional.empty(), period, ZoneOffset.UTC, Money.ofDollars(dollars),
                alerts);
    }

    private static Budget endUserBudget(String user, String dollars) {
        return new Budget(TENANT, Optional.empty(), Optional.of(user), BudgetPeriod.DAILY, ZoneOffset.UTC,
                Money.ofDollars(dollars), List.of());
    }

    private LeasedBudgetLedger ledger(String holder, List<Budget> budgets, long slicesPerLimit) {
        return new LeasedBudgetLedger(store, BudgetSource.fixed(budgets), holder, slicesPerLimit, TTL,
                T0.minus(Duration.ofDays(1)), alerts::add);
    }

    private static ReservationRequest request(String id, String dollars) {
        return new ReservationRequest(new RequestId(id), TENANT, Optional.of(KEY), Optional.empty(),
                Money.ofDollars(dollars));
    }

    private static ReservationRequest userRequest(String id, String user, String dollars) {
        return new ReservationRequest(new RequestId(id), TENANT, Optional.of(KEY), Optional.of(user),
                Money.ofDollars(dollars));
    }

    private static ReservationId reserved(ReservationOutcome outcome) {
        assertThat(outcome).isInstanceOf(ReservationOutcome.Reserved.class);
        return ((ReservationOutcome.Reserved) outcome).id();
    }

    @Test
    void a_long_held_reservation_outlives_the_ttl_and_another_replica_settles_it_once_giving_the_rest_back() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "10", List.of());
        LeasedBudgetLedger reserving = ledger("a", List.of(budget), 10);
        LeasedBudgetLedger settling = ledger("b", List.of(budget), 10);
        String account = budget.accountKey(T0);
        ReservationId id = reserved(reserving.reserve(new ReservationRequest(new RequestId("batch-1"), TENANT,
                Optional.of(KEY), Optional.empty(), Money.ofDollars("4"), Optional.of(Duration.ofHours(72))), T0));
        // the ordinary ttl passes: a batch's reservation is not swept
        assertThat(settling.sweep(T0.plus(TTL).plusSeconds(1))).isEmpty();
        assertThat(store.leased(account)).isEqualTo(Money.ofDollars("4"));

        settling.settleDetached(id, Money.ofDollars("1.5"), T0.plus(Duration.ofHours(30)));
        settling.settleDetached(id, Money.ofDollars("3"), T0.plus(Duration.ofHours(31)));

        assertThat(store.settlementOf(id)).hasValueSatisfying(s -> {
            assertThat(s.amount()).isEqualTo(Money.ofDollars("1.5"));
            assertThat(s.kind()).isEqualTo(BudgetStore.SettlementKind.SETTLED);
        });
        assertThat(store.leased(account)).isEqualTo(Money.ofDollars("1.5"));
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("1.5"));
        // the sweep at its expiry finds it settled
        assertThat(settling.sweep(T0.plus(Duration.ofHours(73)))).isEmpty();
    }

    @Test
    void an_unsettled_long_held_reservation_is_charged_its_amount_when_it_expires() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "10", List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 10);
        ReservationId id = reserved(ledger.reserve(new ReservationRequest(new RequestId("batch-2"), TENANT,
                Optional.of(KEY), Optional.empty(), Money.ofDollars("2"), Optional.of(Duration.ofHours(72))), T0));
        assertThat(ledger.sweep(T0.plus(Duration.ofHours(72)).plusSeconds(1))).containsExactly(id);
        assertThat(store.settledSpend(budget.accountKey(T0))).isEqualTo(Money.ofDollars("2"));
    }

    @Test
    void a_reservation_comes_from_a_leased_slice_and_its_settlement_gives_the_unused_part_back() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "10", List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 10);
        String account = budget.accountKey(T0);

        ReservationId first = reserved(ledger.reserve(request("r1", "0.30"), T0));

        assertThat(store.leased(account)).isEqualTo(Money.ofDollars("1")); // one slice: a tenth of the limit
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.70"));

        ledger.settle(first, Money.ofDollars("0.10"), T0);

        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.10"));
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.90"));
        assertThat(ledger.openReservations()).isZero();

        reserved(ledger.reserve(request("r2", "0.50"), T0));
        assertThat(store.leaseCount()).as("the second reservation stays off the budget row").isEqualTo(1);
    }

    @Test
    void off_the_request_path_a_settlement_gives_money_back_only_once_it_is_written() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        Deque<Runnable> writes = new ArrayDeque<>();
        LeasedBudgetLedger ledger = new LeasedBudgetLedger(store, BudgetSource.fixed(List.of(budget)), "a", 1, TTL,
                T0.minus(Duration.ofDays(1)), alerts::add, writes::add);
        String account = budget.accountKey(T0);

        ReservationId first = reserved(ledger.reserve(request("r1", "0.60"), T0));
        ledger.settle(first, Money.ofDollars("0.10"), T0);

        assertThat(writes).as("the settlement waits for its writer").hasSize(1);
        assertThat(store.settledSpend(account)).isEqualTo(Money.ZERO);
        assertThat(ledger.sliceOf(account)).as("nothing back before the settlement is durable")
                .isEqualTo(Money.ofDollars("0.40"));
        assertThat(ledger.reserve(request("r2", "0.60"), T0)).isInstanceOf(ReservationOutcome.Refused.class);
        ledger.settle(first, Money.ofDollars("0.10"), T0);
        assertThat(writes).as("settled once").hasSize(1);

        writes.poll().run();

        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.10"));
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.90"));
        reserved(ledger.reserve(request("r3", "0.60"), T0));
    }

    private LeasedBudgetLedger asyncLedger(Budget budget, Deque<Runnable> writes) {
        return new LeasedBudgetLedger(store, BudgetSource.fixed(List.of(budget)), "a", 1, TTL,
                T0.minus(Duration.ofDays(1)), alerts::add, writes::add, LeasedBudgetLedger.Durability.ASYNC);
    }

    @Test
    void an_async_reservation_takes_its_money_at_once_and_its_settlement_waits_for_its_row() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        Deque<Runnable> writes = new ArrayDeque<>();
        LeasedBudgetLedger ledger = asyncLedger(budget, writes);
        String account = budget.accountKey(T0);
        store.holdAppendedReservations = true;

        ReservationId first = reserved(ledger.reserve(request("r1", "0.60"), T0));

        assertThat(store.reservation(first)).as("the row is not written before the call").isEmpty();
        assertThat(ledger.sliceOf(account)).as("the money is taken at once").isEqualTo(Money.ofDollars("0.40"));
        assertThat(ledger.reserve(request("r2", "0.60"), T0)).as("the limit holds before any row is written")
                .isInstanceOf(ReservationOutcome.Refused.class);

        ledger.settle(first, Money.ofDollars("0.10"), T0);
        CompletableFuture<Void> settling = CompletableFuture.runAsync(writes.poll());
        assertThat(settling).as("the settlement waits for its reservation's row").isNotDone();
        assertThat(store.writeAppendedReservations()).isEqualTo(1);
        settling.join();

        assertThat(store.reservation(first)).isPresent();
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.10"));
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.90"));
        assertThat(ledger.sweep(T0.plus(TTL).plusSeconds(1))).as("settled, nothing left to expire").isEmpty();
    }

    @Test
    void an_async_reservation_whose_row_fails_keeps_its_cost_spent_and_gives_the_rest_back() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        Deque<Runnable> writes = new ArrayDeque<>();
        LeasedBudgetLedger ledger = asyncLedger(budget, writes);
        String account = budget.accountKey(T0);
        store.failAppendedReservations = true;

        ReservationId first = reserved(ledger.reserve(request("r1", "0.60"), T0));
        ledger.settle(first, Money.ofDollars("0.25"), T0);
        writes.poll().run();

        assertThat(store.reservation(first)).isEmpty();
        assertThat(store.settledSpend(account)).isEqualTo(Money.ZERO);
        assertThat(ledger.sliceOf(account)).as("the call's cost is never handed out again")
                .isEqualTo(Money.ofDollars("0.75"));
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void an_async_reservation_of_a_request_id_reserved_before_gives_all_its_money_back_and_settles_nothing() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        Deque<Runnable> writes = new ArrayDeque<>();
        LeasedBudgetLedger other = ledger("b", List.of(budget), 10);
        ReservationId elsewhere = reserved(other.reserve(request("r1", "0.10"), T0));
        LeasedBudgetLedger ledger = asyncLedger(budget, writes);
        String account = budget.accountKey(T0);

        ReservationId same = reserved(ledger.reserve(request("r1", "0.10"), T0));
        ledger.settle(same, Money.ofDollars("0.05"), T0);
        writes.poll().run();

        assertThat(same).isEqualTo(elsewhere);
        assertThat(store.settlementOf(elsewhere)).as("left to the replica that reserved it").isEmpty();
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.90"));
    }

    @Test
    void a_long_lived_reservation_is_written_before_reserve_returns_even_when_async() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = asyncLedger(budget, new ArrayDeque<>());
        store.holdAppendedReservations = true;

        ReservationId job = reserved(ledger.reserve(new ReservationRequest(new RequestId("batch-1"), TENANT,
                Optional.of(KEY), Optional.empty(), Money.ofDollars("0.30"), Optional.of(Duration.ofHours(72))), T0));

        assertThat(store.reservation(job)).isPresent();
    }

    @Test
    void async_needs_a_settlement_executor_to_wait_for_rows_off_the_request_path() {
        assertThatThrownBy(() -> new LeasedBudgetLedger(store, BudgetSource.fixed(List.of()), "a", 1, TTL, T0,
                alerts::add, null, LeasedBudgetLedger.Durability.ASYNC))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_settlement_whose_write_fails_leaves_the_reservation_to_expire_at_its_reserved_amount() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        store.failSettlements = true;
        LeasedBudgetLedger ledger = new LeasedBudgetLedger(store, BudgetSource.fixed(List.of(budget)), "a", 1, TTL,
                T0, alerts::add, Runnable::run);
        String account = budget.accountKey(T0);
        ReservationId first = reserved(ledger.reserve(request("r1", "0.60"), T0));

        ledger.settle(first, Money.ofDollars("0.10"), T0); // logged, not thrown: the response is not held back

        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.40"));
        store.failSettlements = false;
        assertThat(ledger.sweep(T0.plus(TTL).plusSeconds(1))).containsExactly(first);
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.60"));
    }

    @Test
    void money_a_burst_leased_into_one_replica_goes_back_as_it_settles_so_another_replica_is_not_refused() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "10", List.of());
        LeasedBudgetLedger a = ledger("a", List.of(budget), 20); // slices of 0.50
        LeasedBudgetLedger b = ledger("b", List.of(budget), 20);
        String account = budget.accountKey(T0);
        List<ReservationId> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(reserved(a.reserve(request("burst-" + i, "1"), T0)));
        }
        assertThat(b.reserve(request("b-1", "1"), T0)).as("all of it leased to a").isInstanceOf(
                ReservationOutcome.Refused.class);

        burst.forEach(id -> a.settle(id, Money.ofDollars("0.01"), T0));

        assertThat(a.sliceOf(account).compareTo(Money.ofDollars("1"))).as("a keeps at most two slices")
                .isLessThanOrEqualTo(0);
        assertThat(store.leased(account)).isEqualTo(Money.ofDollars("0.10").plus(a.sliceOf(account)));
        for (int i = 0; i < 9; i++) {
            reserved(b.reserve(request("b-again-" + i, "1"), T0));
        }
    }

    @Test
    void a_budget_that_cannot_afford_the_estimate_refuses_it_naming_the_budget_and_its_reset() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 1);

        reserved(ledger.reserve(request("r1", "0.60"), T0));
        ReservationOutcome refused = ledger.reserve(request("r2", "0.60"), T0);

        assertThat(refused).isEqualTo(new ReservationOutcome.Refused(budget, Instant.parse("2026-12-01T00:00:00Z")));
        assertThat(ledger.reserve(request("r3", "0.40"), T0)).isInstanceOf(ReservationOutcome.Reserved.class);
    }

    @Test
    void an_end_user_budget_refusing_puts_back_what_the_tenant_budget_gave_first() {
        Budget tenant = tenantBudget(BudgetPeriod.DAILY, "10", List.of());
        Budget user = endUserBudget("alice", "0.50");
        LeasedBudgetLedger ledger = ledger("a", List.of(user, tenant), 10);

        ReservationOutcome refused = ledger.reserve(userRequest("r1", "alice", "0.80"), T0);

        assertThat(refused).isInstanceOf(ReservationOutcome.Refused.class);
        assertThat(((ReservationOutcome.Refused) refused).budget()).isEqualTo(user);
        assertThat(ledger.sliceOf(tenant.accountKey(T0))).isEqualTo(Money.ofDollars("1"));
        assertThat(store.reservationCount()).isZero();
    }

    @Test
    void the_first_requests_of_a_new_end_user_meet_the_default_end_user_budget() {
        Budget everyUser = endUserBudget(Budget.EVERY_END_USER, "1");
        LeasedBudgetLedger ledger = ledger("a", List.of(everyUser), 1);

        reserved(ledger.reserve(userRequest("r1", "bob", "0.70"), T0));
        assertThat(ledger.reserve(userRequest("r2", "bob", "0.70"), T0))
                .isInstanceOf(ReservationOutcome.Refused.class);
        reserved(ledger.reserve(userRequest("r3", "carol", "0.70"), T0));

        assertThat(store.settledSpend(everyUser.forEndUser("bob").accountKey(T0))).isEqualTo(Money.ZERO);
        assertThat(store.leased(everyUser.forEndUser("bob").accountKey(T0))).isEqualTo(Money.ofDollars("1"));
        assertThat(store.leased(everyUser.forEndUser("carol").accountKey(T0))).isEqualTo(Money.ofDollars("1"));
    }

    @Test
    void a_request_id_is_reserved_once_and_settled_once() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        LeasedBudgetLedger a = ledger("a", List.of(budget), 2);
        LeasedBudgetLedger b = ledger("b", List.of(budget), 2);

        ReservationId id = reserved(a.reserve(request("same", "0.40"), T0));
        assertThat(a.reserve(request("same", "0.40"), T0)).isEqualTo(new ReservationOutcome.Reserved(id));
        assertThat(b.reserve(request("same", "0.40"), T0)).isEqualTo(new ReservationOutcome.Reserved(id));
        assertThat(store.reservationCount()).isEqualTo(1);
        assertThat(b.sliceOf(budget.accountKey(T0))).as("b's retry holds nothing").isEqualTo(Money.ofDollars("0.50"));

        a.settle(id, Money.ofDollars("0.30"), T0);
        a.settle(id, Money.ofDollars("0.30"), T0);
        b.settle(id, Money.ofDollars("0.30"), T0);

        assertThat(store.settledSpend(budget.accountKey(T0))).isEqualTo(Money.ofDollars("0.30"));
    }

    @Test
    void a_call_that_cost_more_than_its_reservation_is_charged_the_reservation() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 1);

        ReservationId id = reserved(ledger.reserve(request("r1", "0.40"), T0));
        ledger.settle(id, Money.ofDollars("5"), T0);

        assertThat(store.settledSpend(budget.accountKey(T0))).isEqualTo(Money.ofDollars("0.40"));
    }

    @Test
    void a_release_charges_nothing_and_gives_everything_back() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 1);

        ReservationId id = reserved(ledger.reserve(request("r1", "0.40"), T0));
        ledger.release(id, T0);

        assertThat(store.settlementOf(id).orElseThrow().kind()).isEqualTo(SettlementKind.RELEASED);
        assertThat(store.settledSpend(budget.accountKey(T0))).isEqualTo(Money.ZERO);
        assertThat(ledger.sliceOf(budget.accountKey(T0))).isEqualTo(Money.ofDollars("1"));
    }

    @Test
    void a_crashed_replica_s_reservations_expire_and_are_settled_at_their_reserved_amount() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        LeasedBudgetLedger crashed = ledger("a", List.of(budget), 4);
        LeasedBudgetLedger survivor = ledger("b", List.of(budget), 4);
        String account = budget.accountKey(T0);

        ReservationId lost = reserved(crashed.reserve(request("r1", "0.20"), T0));
        // replica a dies here: its reservation is never settled, its slice (0.05 left) is never given back

        assertThat(survivor.sweep(T0.plus(TTL).minusSeconds(1))).isEmpty();
        assertThat(survivor.sweep(T0.plus(TTL))).containsExactly(lost);
        assertThat(survivor.sweep(T0.plus(TTL).plusSeconds(1))).isEmpty();

        assertThat(store.settlementOf(lost).orElseThrow())
                .isEqualTo(new InMemoryBudgetStore.Settled(Money.ofDollars("0.20"), SettlementKind.EXPIRED,
                        T0.plus(TTL)));
        // the survivor can lease only what the dead replica did not: never the lost reservation's money again
        Instant later = T0.plus(TTL).plusSeconds(2);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            if (survivor.reserve(request("s" + i, "0.25"), later) instanceof ReservationOutcome.Reserved r) {
                survivor.settle(r.id(), Money.ofDollars("0.25"), later);
                granted++;
            }
        }
        assertThat(granted).isEqualTo(3);
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.95"));
    }

    @Test
    void a_settlement_after_expiry_charges_nothing_more() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        LeasedBudgetLedger slow = ledger("a", List.of(budget), 1);
        LeasedBudgetLedger sweeper = ledger("b", List.of(budget), 1);

        ReservationId id = reserved(slow.reserve(request("r1", "0.40"), T0));
        sweeper.sweep(T0.plus(TTL));
        slow.settle(id, Money.ofDollars("0.10"), T0.plus(TTL).plusSeconds(1));

        assertThat(store.settledSpend(budget.accountKey(T0))).isEqualTo(Money.ofDollars("0.40"));
        assertThat(slow.sliceOf(budget.accountKey(T0))).as("a spent reservation gives nothing back")
                .isEqualTo(Money.ofDollars("0.60"));
    }

    @Test
    void a_new_period_is_a_new_account_and_an_ended_period_s_money_is_not_given_back_to_it() {
        Budget budget = new Budget(TENANT, Optional.empty(), Optional.empty(), BudgetPeriod.DAILY,
                ZoneId.of("Asia/Tokyo"), Money.ofDollars("1"), List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 1);
        Instant beforeMidnight = Instant.parse("2026-11-30T14:59:59Z");
        Instant afterMidnight = Instant.parse("2026-11-30T15:00:00Z");

        ReservationId id = reserved(ledger.reserve(request("r1", "0.90"), beforeMidnight));
        assertThat(ledger.reserve(request("r2", "0.90"), beforeMidnight))
                .isEqualTo(new ReservationOutcome.Refused(budget, afterMidnight));
        reserved(ledger.reserve(request("r3", "0.90"), afterMidnight));
        ledger.settle(id, Money.ofDollars("0.10"), afterMidnight);

        assertThat(store.settledSpend(budget.accountKey(beforeMidnight))).isEqualTo(Money.ofDollars("0.10"));
        assertThat(ledger.sliceOf(budget.accountKey(beforeMidnight))).isEqualTo(Money.ofDollars("0.10"));
        assertThat(ledger.sliceOf(budget.accountKey(afterMidnight))).isEqualTo(Money.ofDollars("0.10"));
    }

    @Test
    void flush_gives_unused_slices_back_so_another_replica_can_spend_them() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        LeasedBudgetLedger a = ledger("a", List.of(budget), 2);
        LeasedBudgetLedger b = ledger("b", List.of(budget), 2);

        reserved(a.reserve(request("r1", "0.10"), T0));
        reserved(b.reserve(request("r2", "0.10"), T0));
        assertThat(b.reserve(request("r3", "0.50"), T0)).isInstanceOf(ReservationOutcome.Refused.class);

        a.flush(T0);

        assertThat(store.leased(budget.accountKey(T0))).isEqualTo(Money.ofDollars("0.60"));
        assertThat(b.reserve(request("r4", "0.40"), T0)).isInstanceOf(ReservationOutcome.Reserved.class);
    }

    @Test
    void a_threshold_is_reported_once_by_the_lease_that_crosses_it() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of(50, 80, 100));
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 10);

        for (int i = 0; i < 10; i++) {
            ReservationId id = reserved(ledger.reserve(request("r" + i, "0.10"), T0));
            ledger.settle(id, Money.ofDollars("0.10"), T0);
        }

        assertThat(alerts).extracting(BudgetAlert::percent).containsExactly(50, 80, 100);
        assertThat(alerts.get(1).committed()).isEqualTo(Money.ofDollars("0.80"));
    }

    @Test
    void the_last_threshold_fires_even_when_what_is_left_is_less_than_a_request() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of(100));
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 20);
        for (int i = 0; i < 3; i++) {
            ReservationId id = reserved(ledger.reserve(request("r" + i, "0.30"), T0));
            ledger.settle(id, Money.ofDollars("0.30"), T0);
        }
        assertThat(alerts).isEmpty();

        assertThat(ledger.reserve(request("r3", "0.30"), T0)).isInstanceOf(ReservationOutcome.Refused.class);

        assertThat(alerts).extracting(BudgetAlert::percent).containsExactly(100);
        assertThat(store.leased(budget.accountKey(T0))).isEqualTo(Money.ofDollars("1"));
        reserved(ledger.reserve(request("r4", "0.10"), T0)); // the rest serves a smaller request
    }

    @Test
    void replicas_hammering_one_budget_never_settle_more_than_its_limit() throws Exception {
        Budget tenant = tenantBudget(BudgetPeriod.DAILY, "5", List.of());
        Budget user = endUserBudget(Budget.EVERY_END_USER, "2");
        List<LeasedBudgetLedger> replicas = List.of(ledger("a", List.of(tenant, user), 20),
                ledger("b", List.of(tenant, user), 20));

        long charged = hammer(replicas, () -> { });

        assertSettledWithinLimits(tenant, user, replicas, charged);
    }

    /**
     * 16 threads, 500 requests each, spread over the replicas, four end users, random estimates; a tenth released, the
     * rest settled at a random part of their estimate, while {@code alongside} runs every millisecond on a 17th thread
     * until they are done. Returns what the settlements charged.
     */
    private static long hammer(List<LeasedBudgetLedger> replicas, Runnable alongside) throws Exception {
        AtomicLong charged = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(17);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(16);
        Future<?> beside = threads.submit(() -> {
            start.await();
            while (!done.await(1, TimeUnit.MILLISECONDS)) {
                alongside.run();
            }
            return null;
        });
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            LeasedBudgetLedger replica = replicas.get(t % replicas.size());
            int thread = t;
            work.add(threads.submit(() -> {
                start.await();
                try {
                    for (int i = 0; i < 500; i++) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        long estimate = random.nextLong(1, 50_000);
                        ReservationRequest request = new ReservationRequest(new RequestId(thread + "-" + i), TENANT,
                                Optional.empty(), Optional.of("user" + random.nextInt(4)), Money.ofMicros(estimate));
                        if (replica.reserve(request, T0) instanceof ReservationOutcome.Reserved r) {
                            if (random.nextInt(10) == 0) {
                                replica.release(r.id(), T0);
                            } else {
                                long actual = random.nextLong(0, estimate + 1);
                                replica.settle(r.id(), Money.ofMicros(actual), T0);
                                charged.addAndGet(actual);
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        beside.get(60, TimeUnit.SECONDS);
        threads.shutdownNow();
        return charged.get();
    }

    /** The settled spend is what was charged, within each limit, most of the tenant's; nothing is left open. */
    private void assertSettledWithinLimits(Budget tenant, Budget user, List<LeasedBudgetLedger> replicas, long charged) {
        Money settled = store.settledSpend(tenant.accountKey(T0));
        assertThat(settled).isEqualTo(Money.ofMicros(charged));
        assertThat(settled.compareTo(tenant.limit())).isLessThanOrEqualTo(0);
        assertThat(settled.compareTo(Money.ofDollars("4"))).as("the budget was nearly used up").isGreaterThan(0);
        assertThat(store.leased(tenant.accountKey(T0)).compareTo(tenant.limit())).isLessThanOrEqualTo(0);
        for (int u = 0; u < 4; u++) {
            assertThat(store.settledSpend(user.forEndUser("user" + u).accountKey(T0)).compareTo(user.limit()))
                    .isLessThanOrEqualTo(0);
        }
        assertThat(replicas.stream().mapToInt(LeasedBudgetLedger::openReservations).sum()).isZero();
    }

    @Test
    void a_reservation_the_store_could_not_record_holds_nothing() {
        Budget budget = tenantBudget(BudgetPeriod.LIFETIME, "1", List.of());
        BudgetStore failing = new BudgetStore() {
            @Override
            public Lease lease(Account account, Money minimum, Money wanted, Instant now) {
                return store.lease(account, minimum, wanted, now);
            }

            @Override
            public void giveBack(String accountKey, Money amount) {
                store.giveBack(accountKey, amount);
            }

            @Override
            public boolean recordReservation(Reservation reservation) {
                throw new IllegalStateException("database down");
            }

            @Override
            public Optional<Money> settle(ReservationId r, Money amount, SettlementKind kind, Instant now) {
                return store.settle(r, amount, kind, now);
            }

            @Override
            public List<ReservationId> settleExpired(Instant from, Instant now) {
                return store.settleExpired(from, now);
            }

            @Override
            public Money settledSpend(String accountKey) {
                return store.settledSpend(accountKey);
            }

            @Override
            public Optional<Reservation> reservation(ReservationId id) {
                return store.reservation(id);
            }
        };
        LeasedBudgetLedger ledger = new LeasedBudgetLedger(failing, BudgetSource.fixed(List.of(budget)), "a", 1, TTL,
                T0, alerts::add);

        assertThatThrownBy(() -> ledger.reserve(request("r1", "0.40"), T0))
                .hasMessage("database down");

        assertThat(ledger.sliceOf(budget.accountKey(T0))).isEqualTo(Money.ofDollars("1"));
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void each_lease_reports_the_accounts_fleet_wide_commitment_until_its_period_resets() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "10", List.of());
        LeasedBudgetLedger ledger = ledger("a", List.of(budget), 10);
        List<String> seen = new ArrayList<>();
        ledger.observeCommitments((b, committed, resetsAt) -> seen.add(b.name() + " " + committed + " " + resetsAt));

        reserved(ledger.reserve(request("r-1", "0.50"), T0));
        reserved(ledger.reserve(request("r-2", "0.50"), T0)); // from the slice: no lease, nothing observed
        reserved(ledger.reserve(request("r-3", "0.50"), T0)); // the second lease

        Instant reset = BudgetPeriod.DAILY.nextReset(T0, ZoneOffset.UTC);
        assertThat(seen).containsExactly(budget.name() + " " + Money.ofDollars("1") + " " + reset,
                budget.name() + " " + Money.ofDollars("2") + " " + reset);
    }

    @Test
    void a_reservation_id_is_derived_from_its_request_id_and_ordered_by_time_as_uuid_request_ids_are() {
        UUID earlier = UUID.fromString("019ad6f0-0000-7abc-8123-456789abcdef"); // version 7, ms 0x019ad6f00000
        UUID later = UUID.fromString("019ad6f0-0001-7000-8000-000000000000"); // one millisecond later
        UUID sameMillisecond = UUID.fromString("019ad6f0-0000-7abc-8fff-ffffffffffff");

        ReservationId first = LeasedBudgetLedger.reservationOf(new RequestId(earlier.toString()));

        assertThat(LeasedBudgetLedger.reservationOf(new RequestId(earlier.toString()))).isEqualTo(first);
        assertThat(first.value().version()).isEqualTo(8);
        assertThat(first.value().variant()).isEqualTo(2);
        // the request id's time and random bits lead: PostgreSQL's uuid order (bytewise) is the request ids' order
        assertThat(first.value().getMostSignificantBits() >>> 16).isEqualTo(earlier.getMostSignificantBits() >>> 16);
        assertThat(first.value().compareTo(LeasedBudgetLedger.reservationOf(new RequestId(later.toString())).value()))
                .isNegative();
        // two request ids that share their high bits still get two reservations (the low bits hash the whole id)
        assertThat(LeasedBudgetLedger.reservationOf(new RequestId(sameMillisecond.toString()))).isNotEqualTo(first);
    }

    @Test
    void a_request_id_that_is_not_a_canonical_uuid_gets_a_name_based_reservation_id() {
        ReservationId named = LeasedBudgetLedger.reservationOf(new RequestId("req-42"));
        String upperCase = "019AD6F0-0000-7ABC-8123-456789ABCDEF";

        assertThat(named).isEqualTo(LeasedBudgetLedger.reservationOf(new RequestId("req-42")));
        assertThat(named.value().version()).isEqualTo(3);
        assertThat(LeasedBudgetLedger.reservationOf(new RequestId(upperCase)).value().version()).isEqualTo(3);
        assertThat(LeasedBudgetLedger.reservationOf(new RequestId(upperCase)))
                .isNotEqualTo(LeasedBudgetLedger.reservationOf(new RequestId(upperCase.toLowerCase())));
    }

    private LeasedBudgetLedger sliceLedger(String holder, List<Budget> budgets, long slicesPerLimit) {
        return new LeasedBudgetLedger(store, BudgetSource.fixed(budgets), holder, slicesPerLimit, TTL,
                T0.minus(Duration.ofDays(1)), alerts::add, null, LeasedBudgetLedger.Durability.SLICE);
    }

    @Test
    void per_slice_a_request_writes_no_row_and_the_charges_are_written_as_one_settled_entry_per_set_of_accounts() {
        Budget tenant = tenantBudget(BudgetPeriod.DAILY, "10", List.of());
        Budget user = endUserBudget(Budget.EVERY_END_USER, "5");
        LeasedBudgetLedger ledger = sliceLedger("a", List.of(tenant, user), 10);
        String account = tenant.accountKey(T0);
        String ann = user.forEndUser("ann").accountKey(T0);

        ReservationId first = reserved(ledger.reserve(request("r1", "0.30"), T0));
        ReservationId second = reserved(ledger.reserve(request("r2", "0.20"), T0));
        ReservationId third = reserved(ledger.reserve(userRequest("r3", "ann", "0.40"), T0));
        ledger.settle(first, Money.ofDollars("0.10"), T0);
        ledger.settle(second, Money.ofDollars("0.05"), T0);
        ledger.settle(third, Money.ofDollars("0.25"), T0);

        assertThat(store.reservationCount()).as("no row per request").isZero();
        assertThat(ledger.openReservations()).isZero();
        assertThat(ledger.sliceOf(account)).as("the unused part is back at once, the charges are not")
                .isEqualTo(Money.ofDollars("0.60"));
        assertThat(store.settledSpend(account)).isEqualTo(Money.ZERO);

        assertThat(ledger.writeCharges(T0.plusSeconds(1))).isEqualTo(2);

        assertThat(store.reservationCount()).isEqualTo(2);
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.40"));
        assertThat(store.settledSpend(ann)).isEqualTo(Money.ofDollars("0.25"));
        assertThat(store.leased(account)).as("the charges stay leased").isEqualTo(Money.ofDollars("1"));
        assertThat(ledger.writeCharges(T0.plusSeconds(2))).as("nothing new to write").isZero();
        assertThat(ledger.sweep(T0.plus(TTL).plusSeconds(5))).as("every entry settled").isEmpty();
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.40"));
    }

    @Test
    void per_slice_the_limit_holds_before_any_charge_is_written_and_a_release_charges_nothing() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = sliceLedger("a", List.of(budget), 1);
        String account = budget.accountKey(T0);

        ReservationId first = reserved(ledger.reserve(request("r1", "0.60"), T0));
        assertThat(ledger.reserve(request("r2", "0.60"), T0)).isInstanceOf(ReservationOutcome.Refused.class);
        assertThat(ledger.reserve(request("r1", "0.60"), T0)).as("a request id holds money once")
                .isEqualTo(new ReservationOutcome.Reserved(first));
        ledger.settle(first, Money.ofDollars("0.50"), T0);
        assertThat(ledger.reserve(request("r3", "0.60"), T0)).as("the charge is spent before it is written")
                .isInstanceOf(ReservationOutcome.Refused.class);
        ReservationId fourth = reserved(ledger.reserve(request("r4", "0.40"), T0));
        ledger.release(fourth, T0);
        ledger.settle(first, Money.ofDollars("0.50"), T0);

        ledger.writeCharges(T0);

        assertThat(store.settledSpend(account)).as("settled once; the release charged nothing")
                .isEqualTo(Money.ofDollars("0.50"));
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.50"));
    }

    @Test
    void per_slice_charges_that_cannot_be_written_are_kept_for_the_next_write() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = sliceLedger("a", List.of(budget), 1);
        String account = budget.accountKey(T0);
        ledger.settle(reserved(ledger.reserve(request("r1", "0.30"), T0)), Money.ofDollars("0.20"), T0);
        store.failRecordedReservations = true;

        assertThatThrownBy(() -> ledger.writeCharges(T0)).isInstanceOf(IllegalStateException.class);
        ledger.settle(reserved(ledger.reserve(request("r2", "0.30"), T0)), Money.ofDollars("0.10"), T0);
        store.failRecordedReservations = false;

        assertThat(ledger.writeCharges(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.30"));
    }

    @Test
    void per_slice_an_entry_whose_settlement_fails_is_charged_its_amount_by_the_sweep() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = sliceLedger("a", List.of(budget), 1);
        String account = budget.accountKey(T0);
        ledger.settle(reserved(ledger.reserve(request("r1", "0.30"), T0)), Money.ofDollars("0.20"), T0);
        store.failSettlements = true;

        assertThat(ledger.writeCharges(T0)).isEqualTo(1);
        store.failSettlements = false;
        assertThat(store.settledSpend(account)).isEqualTo(Money.ZERO);

        assertThat(ledger.sweep(T0.plus(TTL).plusSeconds(1))).hasSize(1);
        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.20"));
    }

    @Test
    void per_slice_a_request_held_past_the_ttl_is_charged_its_reserved_amount_and_its_late_settlement_nothing_more() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = sliceLedger("a", List.of(budget), 1);
        String account = budget.accountKey(T0);
        ReservationId stuck = reserved(ledger.reserve(request("r1", "0.30"), T0));

        assertThat(ledger.writeCharges(T0.plus(TTL).minusSeconds(1))).isZero();
        assertThat(ledger.writeCharges(T0.plus(TTL))).isEqualTo(1);
        ledger.settle(stuck, Money.ofDollars("0.05"), T0.plus(TTL).plusSeconds(1));
        ledger.writeCharges(T0.plus(TTL).plusSeconds(2));

        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.30"));
        assertThat(ledger.openReservations()).isZero();
        assertThat(ledger.sliceOf(account)).isEqualTo(Money.ofDollars("0.70"));
    }

    @Test
    void per_slice_flush_writes_the_charges_then_gives_the_unused_money_back() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger ledger = sliceLedger("a", List.of(budget), 4);
        String account = budget.accountKey(T0);
        ledger.settle(reserved(ledger.reserve(request("r1", "0.20"), T0)), Money.ofDollars("0.15"), T0);

        ledger.flush(T0);

        assertThat(store.settledSpend(account)).isEqualTo(Money.ofDollars("0.15"));
        assertThat(store.leased(account)).isEqualTo(Money.ofDollars("0.15"));
    }

    @Test
    void per_slice_a_crashed_replica_loses_the_record_of_its_unwritten_charges_and_calls_in_flight_never_the_limit() {
        Budget budget = tenantBudget(BudgetPeriod.DAILY, "1", List.of());
        LeasedBudgetLedger crashing = sliceLedger("a", List.of(budget), 1);
        String account = budget.accountKey(T0);
        crashing.settle(reserved(crashing.reserve(request("r1", "0.40"), T0)), Money.ofDollars("0.30"), T0);
        reserved(crashing.reserve(request("r2", "0.50"), T0)); // in flight when it dies: never settled, nor written

        LeasedBudgetLedger survivor = sliceLedger("b", List.of(budget), 1);
        assertThat(survivor.reserve(request("r3", "0.10"), T0)).as("the dead replica's money stays leased")
                .isInstanceOf(ReservationOutcome.Refused.class);
        assertThat(store.leased(account)).isEqualTo(Money.ofDollars("1"));
        assertThat(survivor.sweep(T0.plus(TTL).plusSeconds(1))).as("no rows to expire").isEmpty();
        assertThat(store.settledSpend(account)).as("the record is what is lost").isEqualTo(Money.ZERO);
    }

    @Test
    void per_slice_replicas_hammering_one_budget_while_charges_are_written_never_settle_more_than_its_limit()
            throws Exception {
        Budget tenant = tenantBudget(BudgetPeriod.DAILY, "5", List.of());
        Budget user = endUserBudget(Budget.EVERY_END_USER, "2");
        List<LeasedBudgetLedger> replicas = List.of(sliceLedger("a", List.of(tenant, user), 20),
                sliceLedger("b", List.of(tenant, user), 20));

        long charged = hammer(replicas, () -> replicas.forEach(r -> r.writeCharges(T0)));
        replicas.forEach(r -> r.writeCharges(T0));

        assertSettledWithinLimits(tenant, user, replicas, charged);
    }
}
