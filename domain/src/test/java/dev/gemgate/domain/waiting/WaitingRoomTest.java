package dev.gemgate.domain.waiting;

import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.quota.PriorityClass;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blocking around {@link WaitingLines}: real (virtual) threads park in the room, the clock is moved by hand and the
 * waiters are told to look at it again; the order itself is tested in {@link WaitingLinesTest}.
 */
class WaitingRoomTest {
    private static final Lane LANE = new Lane("RequestsPerMinutePerTenant", "tenant:a:rpm");

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final Recorder observer = new Recorder();
    private final AtomicInteger room = new AtomicInteger();

    /** Refused with the time until it fits. */
    static final class Refused extends RuntimeException {
        final Duration retryAfter;

        Refused(Duration retryAfter) {
            super("refused, retry after " + retryAfter);
            this.retryAfter = retryAfter;
        }
    }

    static final class Recorder implements WaitingRoom.Observer {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        volatile int depth;

        @Override
        public void depth(String laneKind, int waiters) {
            depth = waiters;
        }

        @Override
        public void waited(String laneKind, Duration waited, boolean admitted) {
            events.add(laneKind + " " + waited + " " + (admitted ? "admitted" : "refused"));
        }
    }

    private WaitingRoom room(Duration maxWait, int maxWaiters) {
        return new WaitingRoom(new WaitingRoom.Settings(maxWait, maxWaiters), clock, observer);
    }

    /** Admits while {@link #room} has units, else "1 s more". */
    private Supplier<Attempt<String>> unitOrWait(String name, Duration retryAfter) {
        return () -> room.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? Attempt.admitted(name)
                : Attempt.notYet(LANE, retryAfter, Refused::new);
    }

    private CompletableFuture<String> waitIn(WaitingRoom room, String tenant, PriorityClass priority,
                                             Supplier<Attempt<String>> attempt) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(room.await(tenant, priority, Optional.empty(), attempt));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private static void awaitWaiting(WaitingRoom room, int count) {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (room.waiting() != count) {
            assertThat(System.nanoTime()).as("waiters in the room").isLessThan(giveUp);
            Thread.onSpinWait();
        }
    }

    @Test
    void anAdmittedFirstTryNeverEntersTheRoom() {
        room.set(1);
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);

        assertThat(waiting.await("a", PriorityClass.NORMAL, Optional.empty(), unitOrWait("x", Duration.ofSeconds(1))))
                .isEqualTo("x");
        assertThat(observer.events).isEmpty();
    }

    @Test
    void aWaitLongerThanTheMaximumOrTheDeadlineIsRefusedAtOnceWithTheRealRetryAfter() {
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);

        assertThatThrownBy(() -> waiting.await("a", PriorityClass.NORMAL, Optional.empty(),
                unitOrWait("x", Duration.ofSeconds(11))))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.retryAfter).isEqualTo(Duration.ofSeconds(11)));
        Instant deadline = clock.instant().plusSeconds(2);
        assertThatThrownBy(() -> waiting.await("a", PriorityClass.NORMAL, Optional.of(deadline),
                unitOrWait("x", Duration.ofSeconds(3))))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.retryAfter).isEqualTo(Duration.ofSeconds(3)));
        assertThat(waiting.waiting()).isZero();
        assertThat(observer.events).containsExactly("RequestsPerMinutePerTenant PT0S refused",
                "RequestsPerMinutePerTenant PT0S refused");
    }

    @Test
    void aMaximumWaitOfZeroNeverWaits() {
        WaitingRoom never = room(Duration.ZERO, 10);

        assertThatThrownBy(() -> never.await("a", PriorityClass.HIGH, Optional.empty(),
                unitOrWait("x", Duration.ofMillis(1))))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.retryAfter).isEqualTo(Duration.ofMillis(1)));
    }

    @Test
    void theHeadIsAdmittedWhenRoomComesBackAndItsAdmissionLetsTheNextIn() throws Exception {
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);
        CompletableFuture<String> first = waitIn(waiting, "a", PriorityClass.NORMAL,
                unitOrWait("first", Duration.ofSeconds(1)));
        awaitWaiting(waiting, 1);
        CompletableFuture<String> second = waitIn(waiting, "b", PriorityClass.NORMAL,
                unitOrWait("second", Duration.ofSeconds(1)));
        awaitWaiting(waiting, 2);
        assertThat(observer.depth).isEqualTo(2);

        room.set(2);
        clock.advance(Duration.ofSeconds(1));
        waiting.wakeAll();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(waiting.waiting()).isZero();
        assertThat(observer.depth).isZero();
        assertThat(observer.events).containsExactly("RequestsPerMinutePerTenant PT1S admitted",
                "RequestsPerMinutePerTenant PT1S admitted");
    }

    @Test
    void aWaiterIsRefusedOnceItsWaitRunsOutWhileWaiting() throws Exception {
        WaitingRoom waiting = room(Duration.ofSeconds(3), 10);
        CompletableFuture<String> result = waitIn(waiting, "a", PriorityClass.NORMAL,
                unitOrWait("x", Duration.ofSeconds(1)));
        awaitWaiting(waiting, 1);

        for (int second = 1; second <= 3; second++) { // tries at 1, 2, 3 s; each says "1 s more"
            clock.advance(Duration.ofSeconds(1));
            waiting.wakeAll();
            awaitTries(result, waiting);
        }

        assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(Refused.class,
                        r -> assertThat(r.retryAfter).isEqualTo(Duration.ofSeconds(1)));
        assertThat(waiting.waiting()).isZero();
        assertThat(observer.events).containsExactly("RequestsPerMinutePerTenant PT3S refused");
    }

    /** Lets the waiter's try at the current time happen (the clock does not move meanwhile). */
    private void awaitTries(CompletableFuture<String> result, WaitingRoom waiting) {
        Instant now = clock.instant();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!result.isDone() && !waitingRetryAfter(waiting, now)) {
            assertThat(System.nanoTime()).isLessThan(giveUp);
            Thread.onSpinWait();
        }
    }

    private static boolean waitingRetryAfter(WaitingRoom waiting, Instant now) {
        WaitingLines.Waiter head = waiting.headForTest(LANE);
        return head != null && head.retryAt().isAfter(now);
    }

    @Test
    void theLaneIsBoundedAndAnInterruptedWaiterLeavesRefused() throws Exception {
        WaitingRoom waiting = room(Duration.ofSeconds(10), 1);
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            thread.complete(Thread.currentThread());
            try {
                result.complete(waiting.await("a", PriorityClass.NORMAL, Optional.empty(),
                        unitOrWait("x", Duration.ofSeconds(2))));
            } catch (Refused r) {
                result.complete(Thread.currentThread().isInterrupted() ? "refused, interrupted" : "refused");
            }
        });
        awaitWaiting(waiting, 1);

        assertThatThrownBy(() -> waiting.await("b", PriorityClass.HIGH, Optional.empty(),
                unitOrWait("y", Duration.ofSeconds(2))))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.retryAfter).isEqualTo(Duration.ofSeconds(2)));

        thread.get().interrupt();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("refused, interrupted");
        assertThat(waiting.waiting()).isZero();
    }

    @Test
    void aTryThatFailsLeavesTheLineAndPassesTheFailureOn() throws Exception {
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);
        AtomicInteger tries = new AtomicInteger();
        CompletableFuture<String> result = waitIn(waiting, "a", PriorityClass.NORMAL, () -> {
            if (tries.incrementAndGet() == 1) {
                return Attempt.notYet(LANE, Duration.ofSeconds(1), Refused::new);
            }
            throw new IllegalStateException("store down");
        });
        awaitWaiting(waiting, 1);

        clock.advance(Duration.ofSeconds(1));
        waiting.wakeAll();

        assertThat(result).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(IllegalStateException.class).withMessage("store down");
        assertThat(waiting.waiting()).isZero();
    }

    @Test
    void aNewcomerToASharedLaneWithWaitersQueuesBehindThemWithoutTryingFirst() throws Exception {
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);
        CompletableFuture<String> first = waitIn(waiting, "a", PriorityClass.NORMAL, unitOrWait("a1",
                Duration.ofSeconds(1)));
        awaitWaiting(waiting, 1);

        // a unit comes back before the waiter's turn: a newcomer of another tenant must not take it
        room.set(1);
        AtomicInteger newcomerTries = new AtomicInteger();
        Supplier<Attempt<String>> newcomer = () -> {
            newcomerTries.incrementAndGet();
            return unitOrWait("b1", Duration.ofSeconds(1)).get();
        };
        CompletableFuture<String> second = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                second.complete(waiting.await("b", PriorityClass.NORMAL, Optional.empty(), LANE, newcomer));
            } catch (Throwable t) {
                second.completeExceptionally(t);
            }
        });
        awaitWaiting(waiting, 2);
        assertThat(newcomerTries).as("queued without a first try").hasValue(0);

        clock.advance(Duration.ofSeconds(1));
        waiting.wakeAll();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a1");
        room.set(1);
        clock.advance(Duration.ofSeconds(1));
        waiting.wakeAll();
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("b1");
        assertThat(waiting.waiting()).isZero();
    }

    @Test
    void aNewcomerToAnEmptySharedLaneTriesAtOnce() {
        room.set(1);
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);

        assertThat(waiting.await("a", PriorityClass.NORMAL, Optional.empty(), LANE,
                unitOrWait("x", Duration.ofSeconds(1)))).isEqualTo("x");
        assertThat(observer.events).isEmpty();
    }

    @Test
    void aFreedLanesHeadTriesAtOnceRatherThanAtItsRetryTime() throws Exception {
        WaitingRoom waiting = room(Duration.ofSeconds(10), 10);
        CompletableFuture<String> first = waitIn(waiting, "a", PriorityClass.NORMAL, unitOrWait("a1",
                Duration.ofSeconds(5)));
        CompletableFuture<String> second = waitIn(waiting, "a", PriorityClass.NORMAL, unitOrWait("a2",
                Duration.ofSeconds(5)));
        awaitWaiting(waiting, 2);

        // a permit comes back long before the 5 s hint: the clock does not move, the head is admitted anyway
        room.set(1);
        waiting.freed(new Lane("Other", "elsewhere"));
        waiting.freed(LANE);
        assertThat(CompletableFuture.anyOf(first, second).get(10, TimeUnit.SECONDS)).isIn("a1", "a2");
        awaitWaiting(waiting, 1);
        assertThat(first.isDone() && second.isDone()).as("only the one the permit fits").isFalse();
        room.set(1);
        waiting.freed(LANE);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a1");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("a2");
    }
}
