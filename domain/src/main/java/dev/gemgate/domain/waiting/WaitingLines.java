package dev.gemgate.domain.waiting;

import dev.gemgate.domain.quota.PriorityClass;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The order of the {@link WaitingRoom}, without threads and without a clock: every method is told the time. Not
 * thread-safe; the room calls it under its lock. Kept apart so that every rule below is tested by moving time by hand.
 *
 * <h2>Order within a lane</h2>
 * A waiter of a higher {@link PriorityClass} is ahead of every waiter of a lower one. Within a class, tenants take
 * turns: the tenant at the front of the class's rotation has its oldest waiter at the head; once that waiter is
 * admitted the tenant goes to the back of the rotation (if it still has waiters), so a tenant with many waiters gets
 * one admission per round, like every other tenant of its class. A new tenant joins the back of the rotation.
 *
 * <h2>Who tries, and when</h2>
 * Only the head of a lane tries again, once its {@code retryAt} (the last try's time plus its retry-after) has come,
 * and never two tries at once in one lane. When the head is admitted, the next head tries at once (there may be room
 * for more than one). A waiter is given up as soon as the earliest time it could be admitted (its own
 * {@code retryAt}; behind a head, no earlier than the head's) is after its {@code limit} (the request's arrival
 * plus the maximum wait, or the caller's deadline, whichever is first), or once its limit has come without a try.
 */
public final class WaitingLines {
    /** One waiting request. {@code token} is the room's handle for waking it (unused by the order itself). */
    public static final class Waiter {
        private final String tenant;
        private final PriorityClass priority;
        private final Instant limit;
        private final Object token;
        private long arrival = -1;
        private Lane lane;
        private Instant retryAt;

        public Waiter(String tenant, PriorityClass priority, Instant limit, Object token) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            this.priority = Objects.requireNonNull(priority, "priority");
            this.limit = Objects.requireNonNull(limit, "limit");
            this.token = token;
        }

        public String tenant() {
            return tenant;
        }

        public PriorityClass priority() {
            return priority;
        }

        /** The latest instant it may still be admitted. */
        public Instant limit() {
            return limit;
        }

        public Object token() {
            return token;
        }

        /** The lane it waits in; null once it left. */
        public Lane lane() {
            return lane;
        }

        public Instant retryAt() {
            return retryAt;
        }

        @Override
        public String toString() {
            return tenant + "#" + arrival + "(" + priority + ")";
        }
    }

    /** What a waiter does next. */
    public sealed interface Step {
        /** Try now; report the answer with {@link #admitted}, {@link #notYet} or {@link #leave}. */
        record Try() implements Step {
        }

        /** Wait until {@code until}, or until woken. */
        record Park(Instant until) implements Step {
        }

        /** Leave refused: it cannot be admitted in time; it would fit after {@code retryAfter} (zero if unknown). */
        record GiveUp(Duration retryAfter) implements Step {
        }
    }

    private static final Step TRY = new Step.Try();

    private final int maxWaitersPerLane;
    private final Map<Lane, Line> lines = new HashMap<>();
    private long arrivals;

    public WaitingLines(int maxWaitersPerLane) {
        if (maxWaitersPerLane < 0) {
            throw new IllegalArgumentException("the number of waiters per lane cannot be negative");
        }
        this.maxWaitersPerLane = maxWaitersPerLane;
    }

    /** True when {@code lane} holds as many waiters as it may: a newcomer is refused at once. */
    public boolean isFull(Lane lane) {
        Line line = lines.get(lane);
        return (line == null ? 0 : line.size) >= maxWaitersPerLane;
    }

    /** Waiters in {@code lane} now. */
    public int size(Lane lane) {
        Line line = lines.get(lane);
        return line == null ? 0 : line.size;
    }

    /** The waiter that tries next in {@code lane}, or null. */
    public Waiter head(Lane lane) {
        Line line = lines.get(lane);
        return line == null ? null : line.head();
    }

    /**
     * Puts a refused request into {@code lane}, to fit at {@code retryAt} (check {@link #isFull} first). Returns the
     * waiters to wake (others whose time ran out because of it).
     */
    public List<Waiter> join(Waiter waiter, Lane lane, Instant retryAt) {
        if (waiter.lane != null) {
            throw new IllegalStateException("already waiting in " + waiter.lane);
        }
        waiter.arrival = arrivals++;
        waiter.retryAt = retryAt;
        Line line = lines.computeIfAbsent(lane, Line::new);
        Waiter before = line.head();
        line.add(waiter);
        return wakes(line, before);
    }

    /** What {@code waiter} does at {@code now}. A {@link Step.Try} reserves the lane's one try for it. */
    public Step next(Waiter waiter, Instant now) {
        Line line = lineOf(waiter);
        boolean head = line.head() == waiter;
        if (head && !line.trying && !now.isBefore(waiter.retryAt) && !waiter.retryAt.isAfter(waiter.limit)) {
            line.trying = true;
            return TRY;
        }
        Instant earliest = earliest(line, waiter);
        if (earliest.isAfter(waiter.limit) || !now.isBefore(waiter.limit)) {
            return new Step.GiveUp(earliest.isAfter(now) ? Duration.between(now, earliest) : Duration.ZERO);
        }
        return new Step.Park(head && !line.trying ? waiter.retryAt : waiter.limit);
    }

    /** The head's try admitted it: it leaves, and the next head tries at once. Returns the waiters to wake. */
    public List<Waiter> admitted(Waiter waiter, Instant now) {
        Line line = lineOf(waiter);
        line.trying = false;
        line.freedAt = null;
        line.remove(waiter, true);
        Waiter next = line.head();
        closeIfEmpty(line);
        if (next == null) {
            return List.of();
        }
        if (next.retryAt.isAfter(now)) {
            next.retryAt = now;
        }
        return List.of(next);
    }

    /**
     * The head's try was refused again: it fits at {@code retryAt} in {@code lane} (another lane when another limit
     * refused it this time: it moves there, keeping its place by arrival). Returns the waiters to wake.
     */
    public List<Waiter> notYet(Waiter waiter, Lane lane, Instant retryAt) {
        Line line = lineOf(waiter);
        line.trying = false;
        if (!line.lane.equals(lane)) {
            line.freedAt = null;
            Waiter before = line.head();
            line.remove(waiter, false);
            List<Waiter> wake = new ArrayList<>(wakes(line, before));
            closeIfEmpty(line);
            waiter.retryAt = retryAt;
            Line into = lines.computeIfAbsent(lane, Line::new);
            Waiter intoBefore = into.head();
            into.add(waiter);
            wake.addAll(wakes(into, intoBefore));
            return wake;
        }
        waiter.retryAt = line.freedAt != null && line.freedAt.isBefore(retryAt) ? line.freedAt : retryAt;
        line.freedAt = null;
        return wakes(line, null);
    }

    /**
     * What {@code lane}'s limit waits for came back (a concurrency permit, whose return no retry time foresees): its
     * head, unless already trying, tries now. Returns the waiters to wake.
     */
    public List<Waiter> freed(Lane lane, Instant now) {
        Line line = lines.get(lane);
        Waiter head = line == null ? null : line.head();
        if (head == null) {
            return List.of();
        }
        if (line.trying) {
            // the try in progress may already have been refused: if it is, it fits again from now
            line.freedAt = now;
            return List.of();
        }
        if (!head.retryAt.isAfter(now)) {
            return List.of();
        }
        head.retryAt = now;
        return List.of(head);
    }

    /** The waiter leaves without admission (given up, interrupted, its try failed). Returns the waiters to wake. */
    public List<Waiter> leave(Waiter waiter, boolean wasTrying) {
        if (waiter.lane == null) {
            return List.of();
        }
        Line line = lineOf(waiter);
        if (wasTrying) {
            line.trying = false;
            line.freedAt = null;
        }
        Waiter before = line.head();
        line.remove(waiter, false);
        // after a failed try the head (new, or one that joined ahead meanwhile and parked behind the try) tries now
        List<Waiter> wake = wakes(line, wasTrying ? null : before);
        closeIfEmpty(line);
        return wake;
    }

    private Line lineOf(Waiter waiter) {
        Line line = waiter.lane == null ? null : lines.get(waiter.lane);
        if (line == null) {
            throw new IllegalStateException("not waiting: " + waiter);
        }
        return line;
    }

    private void closeIfEmpty(Line line) {
        if (line.size == 0) {
            lines.remove(line.lane);
        }
    }

    private static Instant earliest(Line line, Waiter waiter) {
        Waiter head = line.head();
        if (head == null || head == waiter || !head.retryAt.isAfter(waiter.retryAt)) {
            return waiter.retryAt;
        }
        return head.retryAt;
    }

    /**
     * After a change in {@code line}: a new head (it may try sooner than the old one), and every waiter that can no
     * longer make it before its limit behind the head (so that it is refused now, not when its limit comes).
     */
    private static List<Waiter> wakes(Line line, Waiter headBefore) {
        Waiter head = line.head();
        if (head == null) {
            return List.of();
        }
        List<Waiter> wake = new ArrayList<>(2);
        if (head != headBefore) {
            wake.add(head);
        }
        line.forEach(w -> {
            if (w != head && head.retryAt.isAfter(w.limit)) {
                wake.add(w);
            }
        });
        return wake;
    }

    /** One lane: per class, a rotation of tenants, each with its waiters oldest first. */
    private static final class Line {
        private static final Comparator<Waiter> BY_ARRIVAL = Comparator.comparingLong(w -> w.arrival);

        final Lane lane;
        final EnumMap<PriorityClass, Rotation> classes = new EnumMap<>(PriorityClass.class);
        int size;
        boolean trying;
        /** When something the lane waits for came back during the try in progress (null: nothing did). */
        Instant freedAt;

        Line(Lane lane) {
            this.lane = lane;
        }

        Waiter head() {
            for (Rotation rotation : classes.values()) {
                if (!rotation.turns.isEmpty()) {
                    return rotation.byTenant.get(rotation.turns.peekFirst()).first();
                }
            }
            return null;
        }

        void add(Waiter waiter) {
            Rotation rotation = classes.computeIfAbsent(waiter.priority, p -> new Rotation());
            rotation.byTenant.computeIfAbsent(waiter.tenant, t -> {
                rotation.turns.addLast(t);
                return new TreeSet<>(BY_ARRIVAL);
            }).add(waiter);
            waiter.lane = lane;
            size++;
        }

        /** Removes {@code waiter}; an admitted one ends its tenant's turn (the tenant goes to the back). */
        void remove(Waiter waiter, boolean admitted) {
            Rotation rotation = classes.get(waiter.priority);
            TreeSet<Waiter> own = rotation.byTenant.get(waiter.tenant);
            own.remove(waiter);
            waiter.lane = null;
            size--;
            if (own.isEmpty()) {
                rotation.byTenant.remove(waiter.tenant);
                rotation.turns.remove(waiter.tenant);
            } else if (admitted && waiter.tenant.equals(rotation.turns.peekFirst())) {
                rotation.turns.addLast(rotation.turns.pollFirst());
            }
        }

        void forEach(java.util.function.Consumer<Waiter> action) {
            for (Rotation rotation : classes.values()) {
                rotation.byTenant.values().forEach(own -> own.forEach(action));
            }
        }
    }

    private static final class Rotation {
        final Map<String, TreeSet<Waiter>> byTenant = new HashMap<>();
        final ArrayDeque<String> turns = new ArrayDeque<>();
    }
}
