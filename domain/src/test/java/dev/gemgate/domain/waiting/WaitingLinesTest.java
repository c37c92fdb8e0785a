package dev.gemgate.domain.waiting;

import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.waiting.WaitingLines.Step;
import dev.gemgate.domain.waiting.WaitingLines.Waiter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.gemgate.domain.quota.PriorityClass.HIGH;
import static dev.gemgate.domain.quota.PriorityClass.LOW;
import static dev.gemgate.domain.quota.PriorityClass.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;

/** The order of the waiting room, with time moved by hand: no threads, no sleeping. */
class WaitingLinesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Lane LANE = new Lane("RequestsPerMinutePerTenant", "tenant:a:rpm");
    private static final Lane OTHER = new Lane("TokensPerMinutePerTenant", "tenant:a:tpm");

    private final WaitingLines lines = new WaitingLines(100);

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private static Waiter waiter(String tenant, PriorityClass priority, long limitMillis) {
        return new Waiter(tenant, priority, at(limitMillis), null);
    }

    private Waiter joined(String tenant, PriorityClass priority, long retryAtMillis) {
        Waiter w = waiter(tenant, priority, 10_000);
        lines.join(w, LANE, at(retryAtMillis));
        return w;
    }

    /** Lets the head try at {@code now} and admits it; returns who it was. */
    private Waiter admitHead(long nowMillis) {
        Waiter head = lines.head(LANE);
        assertThat(lines.next(head, at(nowMillis))).isInstanceOf(Step.Try.class);
        lines.admitted(head, at(nowMillis));
        return head;
    }

    @Test
    void theHeadParksUntilItsRetryTimeAndTriesExactlyThen() {
        Waiter w = joined("a", NORMAL, 1_000);

        assertThat(lines.next(w, at(0))).isEqualTo(new Step.Park(at(1_000)));
        assertThat(lines.next(w, at(999))).isEqualTo(new Step.Park(at(1_000)));
        assertThat(lines.next(w, at(1_000))).isInstanceOf(Step.Try.class);
    }

    @Test
    void onlyOneTryAtATimeAndOnlyTheHeadTries() {
        Waiter first = joined("a", NORMAL, 1_000);
        Waiter second = joined("a", NORMAL, 1_000);

        assertThat(lines.next(second, at(1_000))).isEqualTo(new Step.Park(at(10_000)));
        assertThat(lines.next(first, at(1_000))).isInstanceOf(Step.Try.class);
        assertThat(lines.next(first, at(1_000))).isInstanceOf(Step.Park.class); // its own try is under way
    }

    @Test
    void theHeadsAdmissionWakesTheNextWhichTriesAtOnce() {
        Waiter first = joined("a", NORMAL, 1_000);
        Waiter second = joined("a", NORMAL, 1_500);

        assertThat(lines.next(first, at(1_000))).isInstanceOf(Step.Try.class);
        List<Waiter> woken = lines.admitted(first, at(1_000));

        assertThat(woken).containsExactly(second);
        assertThat(lines.head(LANE)).isSameAs(second);
        assertThat(lines.next(second, at(1_000))).isInstanceOf(Step.Try.class); // before its own 1.5 s
    }

    @Test
    void aRefusedTryParksTheHeadUntilItsNewRetryTime() {
        Waiter w = joined("a", NORMAL, 1_000);
        assertThat(lines.next(w, at(1_000))).isInstanceOf(Step.Try.class);

        lines.notYet(w, LANE, at(2_000));

        assertThat(lines.next(w, at(1_000))).isEqualTo(new Step.Park(at(2_000)));
        assertThat(lines.next(w, at(2_000))).isInstanceOf(Step.Try.class);
    }

    @Test
    void aHigherClassIsAdmittedBeforeAnEarlierLowerOne() {
        Waiter normal = joined("n", NORMAL, 0);
        Waiter low = joined("l", LOW, 0);
        Waiter high = joined("h", HIGH, 0);

        assertThat(admitHead(0)).isSameAs(high);
        assertThat(admitHead(0)).isSameAs(normal);
        assertThat(admitHead(0)).isSameAs(low);
        assertThat(lines.size(LANE)).isZero();
    }

    @Test
    void withinAClassTenantsTakeTurnsAndEachTenantIsFirstInFirstOut() {
        List<Waiter> busy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            busy.add(joined("busy", NORMAL, 0));
        }
        Waiter quiet1 = joined("quiet", NORMAL, 0);
        Waiter other = joined("other", NORMAL, 0);
        Waiter quiet2 = joined("quiet", NORMAL, 0);

        List<Waiter> order = new ArrayList<>();
        while (lines.size(LANE) > 0) {
            order.add(admitHead(0));
        }

        // one admission per tenant per round: the busy tenant's burst cannot starve the others
        assertThat(order).containsExactly(busy.get(0), quiet1, other, busy.get(1), quiet2, busy.get(2), busy.get(3));
    }

    @Test
    void aWaiterWhoseEarliestAdmissionIsPastItsLimitGivesUpAtOnceAndTheEdgeStillWaits() {
        Waiter exactly = waiter("a", NORMAL, 10_000);
        lines.join(exactly, LANE, at(10_000));
        assertThat(lines.next(exactly, at(0))).isEqualTo(new Step.Park(at(10_000)));
        assertThat(lines.next(exactly, at(10_000))).isInstanceOf(Step.Try.class);

        WaitingLines other = new WaitingLines(10);
        Waiter late = new Waiter("a", NORMAL, at(10_000), null);
        other.join(late, LANE, at(10_001));
        assertThat(other.next(late, at(0))).isEqualTo(new Step.GiveUp(Duration.ofMillis(10_001)));
    }

    @Test
    void aWaiterBehindAHeadCannotBeAdmittedBeforeTheHeadsRetryTime() {
        joined("a", NORMAL, 5_000);
        Waiter behind = waiter("b", NORMAL, 3_000); // its own retry says 1 s, but the head tries only at 5 s
        lines.join(behind, LANE, at(1_000));

        assertThat(lines.next(behind, at(0))).isEqualTo(new Step.GiveUp(Duration.ofMillis(5_000)));
    }

    @Test
    void whenTheHeadIsRefusedAgainWaitersThatCanNoLongerMakeItAreWokenToGiveUp() {
        Waiter head = joined("a", NORMAL, 1_000);
        Waiter patient = waiter("b", NORMAL, 10_000);
        Waiter hurried = waiter("c", NORMAL, 3_000);
        lines.join(patient, LANE, at(1_000));
        lines.join(hurried, LANE, at(1_000));
        assertThat(lines.next(hurried, at(0))).isEqualTo(new Step.Park(at(3_000)));

        assertThat(lines.next(head, at(1_000))).isInstanceOf(Step.Try.class);
        List<Waiter> woken = lines.notYet(head, LANE, at(4_000));

        assertThat(woken).contains(hurried).doesNotContain(patient);
        assertThat(lines.next(hurried, at(1_000))).isEqualTo(new Step.GiveUp(Duration.ofMillis(3_000)));
        assertThat(lines.next(patient, at(1_000))).isEqualTo(new Step.Park(at(10_000)));
    }

    @Test
    void aWaiterWhoseLimitComesWithoutATryGivesUp() {
        Waiter head = joined("a", NORMAL, 1_000);
        Waiter behind = waiter("b", NORMAL, 2_000);
        lines.join(behind, LANE, at(1_000));
        assertThat(lines.next(head, at(1_000))).isInstanceOf(Step.Try.class); // the head's try takes long

        assertThat(lines.next(behind, at(2_000))).isEqualTo(new Step.GiveUp(Duration.ZERO));
    }

    @Test
    void aLeavingHeadWakesTheNextAndTheLaneIsBounded() {
        WaitingLines two = new WaitingLines(2);
        Waiter a = new Waiter("a", NORMAL, at(10_000), null);
        Waiter b = new Waiter("b", NORMAL, at(10_000), null);
        two.join(a, LANE, at(1_000));
        two.join(b, LANE, at(1_000));
        assertThat(two.isFull(LANE)).isTrue();
        assertThat(two.isFull(OTHER)).isFalse();

        assertThat(two.leave(a, false)).containsExactly(b);
        assertThat(two.head(LANE)).isSameAs(b);
        assertThat(two.isFull(LANE)).isFalse();
        assertThat(new WaitingLines(0).isFull(LANE)).isTrue();
    }

    @Test
    void aWaiterRefusedByAnotherLimitMovesToThatLaneKeepingItsArrival() {
        Waiter first = joined("a", NORMAL, 0);
        Waiter second = joined("a", NORMAL, 0);
        Waiter inOther = waiter("a", NORMAL, 10_000);
        lines.join(inOther, OTHER, at(500));

        assertThat(lines.next(first, at(0))).isInstanceOf(Step.Try.class);
        List<Waiter> woken = lines.notYet(first, OTHER, at(800));

        assertThat(woken).contains(second); // the new head of the first lane
        assertThat(first.lane()).isEqualTo(OTHER);
        assertThat(lines.head(LANE)).isSameAs(second);
        assertThat(lines.head(OTHER)).isSameAs(first); // it arrived before inOther
        assertThat(lines.size(OTHER)).isEqualTo(2);
    }

    @Test
    void aFreedLanesHeadTriesNowAndAReturnDuringItsTryIsNotLost() {
        Waiter head = joined("a", NORMAL, 5_000);

        assertThat(lines.freed(LANE, at(1_000))).containsExactly(head);
        assertThat(lines.next(head, at(1_000))).isInstanceOf(Step.Try.class);

        // a permit comes back while that try is under way; the try (which looked before it) is refused for 5 s more
        assertThat(lines.freed(LANE, at(1_200))).isEmpty();
        lines.notYet(head, LANE, at(6_300));
        assertThat(lines.next(head, at(1_300))).as("fits again from the return").isInstanceOf(Step.Try.class);

        // without a return during the try, a refusal keeps its retry time
        lines.notYet(head, LANE, at(6_300));
        assertThat(lines.next(head, at(1_400))).isEqualTo(new Step.Park(at(6_300)));
    }

    @Test
    void aFailedTryWakesTheHeadEvenWhenItDidNotChange() {
        Waiter first = joined("a", NORMAL, 1_000);
        assertThat(lines.next(first, at(1_000))).isInstanceOf(Step.Try.class);
        // a HIGH request joins during the try: it is the head now, but parks while the try is under way
        Waiter high = joined("b", HIGH, 1_000);
        assertThat(lines.next(high, at(1_000))).isInstanceOf(Step.Park.class);

        assertThat(lines.leave(first, true)).contains(high);
        assertThat(lines.next(high, at(1_000))).isInstanceOf(Step.Try.class);
    }
}
