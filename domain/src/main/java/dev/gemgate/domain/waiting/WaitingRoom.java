package dev.gemgate.domain.waiting;

import dev.gemgate.domain.quota.PriorityClass;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Waiting instead of failing: a request refused by a limit it would fit after a short wait waits here, in a fair line
 * per {@link Lane} (the limit that refused it), instead of being refused at once. The order (priority classes, tenants
 * taking turns, only the head trying again) is {@link WaitingLines}'; this class adds the blocking: a waiting request
 * parks its own thread (requests run on virtual threads, so a parked request holds no platform thread).
 *
 * <h2>Bounds</h2>
 * A request waits at most {@link Settings#maxWait} from its first refusal, and never past the caller's deadline. It is
 * refused at once (with the refusal its last try built, carrying the real time until it would fit) when the earliest
 * time it could be admitted is beyond that bound, when its lane already holds {@link Settings#maxWaitersPerLane}
 * waiters, or as soon as either becomes true while it waits. {@code maxWait} zero turns waiting off: every refusal is
 * answered at once, as without the room. A request interrupted while waiting leaves refused, its interrupt kept.
 *
 * <h2>What it does not order</h2>
 * A request's first try is made before it knows its lane (the lane is the limit that refuses it), so a request that
 * arrives while others wait can be admitted ahead of them when room came back and the head has not tried yet. For a
 * limit of one tenant (or key) this only reorders that tenant's own requests; the head tries as soon as its
 * retry-after has passed, so the window is short.
 *
 * <p>Time comes from the {@link Clock}; parking uses {@link Condition#awaitNanos}, so the clock must move with real
 * time (tests of the order move time by hand in {@link WaitingLines}).
 */
public final class WaitingRoom {
    /**
     * @param maxWait           the longest a request waits for admission; zero = never wait
     * @param maxWaitersPerLane how many requests may wait in one lane; a newcomer beyond it is refused at once
     */
    public record Settings(Duration maxWait, int maxWaitersPerLane) {
        public static final Settings NEVER_WAIT = new Settings(Duration.ZERO, 0);

        public Settings {
            if (maxWait == null || maxWait.isNegative()) {
                throw new IllegalArgumentException("the maximum wait must be zero or positive: " + maxWait);
            }
            if (maxWaitersPerLane < 0) {
                throw new IllegalArgumentException("the waiters per lane cannot be negative: " + maxWaitersPerLane);
            }
        }

        boolean waits() {
            return maxWait.isPositive() && maxWaitersPerLane > 0;
        }
    }

    /** Port: what the room reports (metrics). Labels are lane kinds only, never tenants. */
    public interface Observer {
        Observer NONE = new Observer() {
            @Override
            public void depth(String laneKind, int waiters) {
            }

            @Override
            public void waited(String laneKind, Duration waited, boolean admitted) {
            }
        };

        /** The requests now waiting in lanes of {@code laneKind}; called on every change. */
        void depth(String laneKind, int waiters);

        /** A request that entered the room left it, admitted or refused, after {@code waited}. */
        void waited(String laneKind, Duration waited, boolean admitted);
    }

    private final Settings settings;
    private final Clock clock;
    private final Observer observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitingLines lines;
    private final Map<String, Integer> depthByKind = new HashMap<>();
    /** The head of {@code lane} (for tests). */
    WaitingLines.Waiter headForTest(Lane lane) {
        lock.lock();
        try {
            return lines.head(lane);
        } finally {
            lock.unlock();
        }
    }

    private final Set<Condition> conditions = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Written under {@link #lock}; read without it by a request that may need to queue behind a shared lane. */
    private volatile int waiting;
    /**
     * For each lane with waiters, the refusal of its latest try (what a newcomer queues on). Written under
     * {@link #lock}; read without it to learn cheaply that nobody waits in a lane.
     */
    private final Map<Lane, Attempt.NotYet<?>> latest = new ConcurrentHashMap<>();

    public WaitingRoom(Settings settings, Clock clock, Observer observer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.lines = new WaitingLines(settings.maxWaitersPerLane());
    }

    /** A room that never waits: every refusal is thrown at once. */
    public static WaitingRoom neverWaiting(Clock clock) {
        return new WaitingRoom(Settings.NEVER_WAIT, clock, Observer.NONE);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Tries {@code attempt}; when it is {@link Attempt.NotYet}, waits in its lane for a turn and tries again, until
     * admitted (returns its value) or refused (throws the refusal of the last try, built with the time until the
     * request would fit). An exception of {@code attempt} passes through (the waiter leaves the line first).
     *
     * @param tenant   who waits (tenants take turns within a class)
     * @param priority the tenant's class
     * @param deadline the caller's deadline, if it sent one
     */
    public <T> T await(String tenant, PriorityClass priority, Optional<Instant> deadline,
                       Supplier<Attempt<T>> attempt) {
        return await(tenant, priority, deadline, null, attempt);
    }

    /**
     * As {@link #await(String, PriorityClass, Optional, Supplier)} for a request known to need {@code shared}, a lane
     * several tenants wait in (the upstream gate's credential x model): if anyone waits there already, the request
     * joins the line behind them without a first try, so a newcomer never takes what comes back before the waiters'
     * turn (no barging past waiting tenants of a higher class or an earlier turn). With nobody waiting in that lane it
     * costs a lock-free look-up.
     */
    public <T> T await(String tenant, PriorityClass priority, Optional<Instant> deadline, Lane shared,
                       Supplier<Attempt<T>> attempt) {
        Attempt<T> first = shared != null && waiting > 0 ? behind(shared) : null;
        if (first == null) {
            first = attempt.get();
        }
        if (first instanceof Attempt.Admitted<T> admitted) {
            return admitted.value();
        }
        Attempt.NotYet<T> notYet = (Attempt.NotYet<T>) first;
        Instant start = clock.instant();
        String kind = notYet.lane().kind();
        if (!settings.waits()) {
            throw refuse(kind, notYet, notYet.retryAfter(), Duration.ZERO);
        }
        Instant limit = start.plus(settings.maxWait());
        if (deadline.isPresent() && deadline.get().isBefore(limit)) {
            limit = deadline.get();
        }
        Condition wake = lock.newCondition();
        WaitingLines.Waiter waiter = new WaitingLines.Waiter(tenant, priority, limit, wake);
        lock.lock();
        try {
            if (lines.isFull(notYet.lane())) {
                throw refuse(kind, notYet, notYet.retryAfter(), Duration.ZERO);
            }
            signal(lines.join(waiter, notYet.lane(), start.plus(notYet.retryAfter())));
            latest.put(notYet.lane(), notYet);
            counted(notYet.lane().kind(), +1);
            conditions.add(wake);
            while (true) {
                Instant now = clock.instant();
                switch (lines.next(waiter, now)) {
                    case WaitingLines.Step.GiveUp giveUp -> {
                        leave(waiter, false);
                        throw refuse(notYet, giveUp.retryAfter(), start, now);
                    }
                    case WaitingLines.Step.Park park -> {
                        long nanos = Duration.between(now, park.until()).toNanos();
                        try {
                            wake.awaitNanos(Math.max(1, nanos));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            Duration until = Duration.between(now, waiter.retryAt());
                            leave(waiter, false);
                            throw refuse(notYet, until.isNegative() ? Duration.ZERO : until, start, now);
                        }
                    }
                    case WaitingLines.Step.Try ignored -> {
                        Attempt<T> answer;
                        lock.unlock();
                        try {
                            answer = attempt.get();
                        } catch (RuntimeException | Error e) {
                            lock.lock();
                            String laneKind = waiter.lane().kind();
                            leave(waiter, true);
                            observer.waited(laneKind, Duration.between(start, clock.instant()), false);
                            throw e;
                        }
                        lock.lock();
                        Instant after = clock.instant();
                        if (answer instanceof Attempt.Admitted<T> admitted) {
                            Lane lane = waiter.lane();
                            signal(lines.admitted(waiter, after));
                            forgetIfEmpty(lane);
                            String laneKind = lane.kind();
                            counted(laneKind, -1);
                            observer.waited(laneKind, Duration.between(start, after), true);
                            return admitted.value();
                        }
                        Attempt.NotYet<T> again = (Attempt.NotYet<T>) answer;
                        Lane fromLane = waiter.lane();
                        String from = fromLane.kind();
                        signal(lines.notYet(waiter, again.lane(), after.plus(again.retryAfter())));
                        latest.put(again.lane(), again);
                        forgetIfEmpty(fromLane);
                        counted(from, -1);
                        counted(again.lane().kind(), +1);
                        notYet = again;
                    }
                }
            }
        } finally {
            if (lock.isHeldByCurrentThread()) {
                conditions.remove(wake);
                lock.unlock();
            }
        }
    }

    /**
     * What {@code lane}'s limit waits for came back (e.g. a concurrency permit returned): the lane's head tries now
     * instead of at its retry time (or, if it is trying now and that try is refused, fits again from now). A lock-free
     * look-up when nobody waits there.
     */
    public void freed(Lane lane) {
        if (waiting == 0 || !latest.containsKey(lane)) {
            return;
        }
        lock.lock();
        try {
            signal(lines.freed(lane, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting now, in every lane. */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting now in {@code lane}. */
    public int waiting(Lane lane) {
        lock.lock();
        try {
            return lines.size(lane);
        } finally {
            lock.unlock();
        }
    }

    /** Makes every waiter look at the clock again: for a clock moved by hand (tests), or one that jumped. */
    public void wakeAll() {
        lock.lock();
        try {
            for (Condition condition : conditions) {
                condition.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void leave(WaitingLines.Waiter waiter, boolean wasTrying) {
        Lane lane = waiter.lane();
        if (lane == null) {
            return;
        }
        signal(lines.leave(waiter, wasTrying));
        forgetIfEmpty(lane);
        counted(lane.kind(), -1);
    }

    private void forgetIfEmpty(Lane lane) {
        if (lines.size(lane) == 0) {
            latest.remove(lane);
        }
    }

    /**
     * A refusal that queues a newcomer behind the waiters of {@code lane}, at the head's retry time, refused (if it
     * must be) as the lane's latest try was; null when nobody waits there.
     */
    private <T> Attempt.NotYet<T> behind(Lane lane) {
        if (!latest.containsKey(lane)) {
            return null;
        }
        lock.lock();
        try {
            Attempt.NotYet<?> last = latest.get(lane);
            WaitingLines.Waiter head = lines.size(lane) == 0 ? null : lines.head(lane);
            if (last == null || head == null) {
                return null;
            }
            Duration untilHead = Duration.between(clock.instant(), head.retryAt());
            return new Attempt.NotYet<>(lane, untilHead.isNegative() ? Duration.ZERO : untilHead, last.refusal());
        } finally {
            lock.unlock();
        }
    }

    private void counted(String kind, int change) {
        waiting += change;
        int depth = depthByKind.merge(kind, change, Integer::sum);
        observer.depth(kind, depth);
    }

    private static void signal(List<WaitingLines.Waiter> waiters) {
        for (WaitingLines.Waiter w : waiters) {
            ((Condition) w.token()).signal();
        }
    }

    private RuntimeException refuse(Attempt.NotYet<?> notYet, Duration retryAfter, Instant start, Instant now) {
        observer.waited(notYet.lane().kind(), Duration.between(start, now), false);
        return notYet.refusal().apply(retryAfter);
    }

    private RuntimeException refuse(String kind, Attempt.NotYet<?> notYet, Duration retryAfter, Duration waited) {
        observer.waited(kind, waited, false);
        return notYet.refusal().apply(retryAfter);
    }
}
