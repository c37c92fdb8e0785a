package dev.gemgate.domain.fakes;

import dev.gemgate.domain.quota.AllowanceStore;
import dev.gemgate.domain.quota.Bucket;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * The fleet-wide allowance in one process, as the PostgreSQL store keeps it, exactly: a per-minute bucket is a token
 * bucket of capacity {@code limit} refilled continuously at {@code limit} units a minute (kept in unit-nanoseconds, so
 * that no refill is lost to rounding and {@code untilMinimum} is exact to the nanosecond); a per-day bucket counts
 * units per day of its shape's zone (UTC, or Pacific time with its daylight saving). Time is whatever the caller passes (tests move a {@link MutableClock}); a call with an earlier time
 * than the bucket's last refills nothing. Every call is atomic (one monitor), so several limiters may share one store
 * as replicas share one database. Counts its calls, so tests can check the hot path stays off it.
 */
public final class InMemoryAllowanceStore implements AllowanceStore {
    private static final BigInteger MINUTE_NANOS = BigInteger.valueOf(60_000_000_000L);

    private final Map<String, State> buckets = new HashMap<>();
    private long takeCalls;
    private long giveBackCalls;
    private long unitsTaken;
    private long unitsGivenBack;

    @Override
    public synchronized Grant take(Bucket bucket, long minimum, long wanted, Instant now) {
        if (minimum < 1 || minimum > wanted) {
            throw new IllegalArgumentException("take needs 1 <= minimum <= wanted: " + minimum + ", " + wanted);
        }
        if (minimum > bucket.limit()) {
            throw new IllegalArgumentException("a bucket of " + bucket.limit() + " never holds " + minimum);
        }
        takeCalls++;
        State state = state(bucket, now);
        long available = state.available();
        if (available < minimum) {
            return new Grant(0, state.untilHolds(minimum, now), available, state.resetIn(now));
        }
        long units = Math.min(available, wanted);
        state.remove(units);
        unitsTaken += units;
        return new Grant(units, Duration.ZERO, state.available(), state.resetIn(now));
    }

    @Override
    public synchronized void giveBack(Bucket bucket, long units, Instant takenAt, Instant now) {
        if (units < 1) {
            throw new IllegalArgumentException("give back at least one unit: " + units);
        }
        giveBackCalls++;
        State state = state(bucket, now);
        if (state.add(units, takenAt)) {
            unitsGivenBack += units;
        }
    }

    /** What {@code bucket} holds at {@code now} (a full limit if never used), without counting as a call. */
    public synchronized long available(Bucket bucket, Instant now) {
        return state(bucket, now).available();
    }

    public synchronized long takeCalls() {
        return takeCalls;
    }

    public synchronized long giveBackCalls() {
        return giveBackCalls;
    }

    /** Units handed out by takes, in all. */
    public synchronized long unitsTaken() {
        return unitsTaken;
    }

    /** Units accepted back (a give-back into an ended day is not). */
    public synchronized long unitsGivenBack() {
        return unitsGivenBack;
    }

    private State state(Bucket bucket, Instant now) {
        State state = buckets.computeIfAbsent(bucket.key(), k -> bucket.shape() == Bucket.Shape.PER_MINUTE
                ? new PerMinute(bucket.limit(), now) : new PerDay(bucket.shape(), bucket.limit(), now));
        if (state.shape() != bucket.shape()) {
            throw new IllegalArgumentException("bucket " + bucket.key() + " changed shape");
        }
        state.advance(now);
        state.relimit(bucket.limit());
        return state;
    }

    private interface State {
        Bucket.Shape shape();

        void advance(Instant now);

        /** A changed limit: keep what the bucket holds, capped at the new limit. */
        void relimit(long limit);

        long available();

        void remove(long units);

        /** Returns whether the units were accepted. */
        boolean add(long units, Instant takenAt);

        Duration untilHolds(long units, Instant now);

        Duration resetIn(Instant now);
    }

    /** Token bucket; {@code credit} is in units x nanoseconds-per-minute, refilled by {@code limit} per nanosecond. */
    private static final class PerMinute implements State {
        private long limit;
        private BigInteger credit;
        private Instant updated;

        PerMinute(long limit, Instant now) {
            this.limit = limit;
            this.credit = capacity();
            this.updated = now;
        }

        private BigInteger capacity() {
            return BigInteger.valueOf(limit).multiply(MINUTE_NANOS);
        }

        @Override
        public Bucket.Shape shape() {
            return Bucket.Shape.PER_MINUTE;
        }

        @Override
        public void advance(Instant now) {
            if (now.isAfter(updated)) {
                BigInteger elapsed = BigInteger.valueOf(Duration.between(updated, now).toNanos());
                credit = credit.add(elapsed.multiply(BigInteger.valueOf(limit))).min(capacity());
                updated = now;
            }
        }

        @Override
        public void relimit(long newLimit) {
            limit = newLimit;
            credit = credit.min(capacity());
        }

        @Override
        public long available() {
            return credit.divide(MINUTE_NANOS).longValueExact();
        }

        @Override
        public void remove(long units) {
            credit = credit.subtract(BigInteger.valueOf(units).multiply(MINUTE_NANOS));
        }

        @Override
        public boolean add(long units, Instant takenAt) {
            credit = credit.add(BigInteger.valueOf(units).multiply(MINUTE_NANOS)).min(capacity());
            return true;
        }

        @Override
        public Duration untilHolds(long units, Instant now) {
            return nanosToRefill(BigInteger.valueOf(units).multiply(MINUTE_NANOS));
        }

        @Override
        public Duration resetIn(Instant now) {
            return nanosToRefill(capacity());
        }

        private Duration nanosToRefill(BigInteger target) {
            BigInteger missing = target.subtract(credit);
            if (missing.signum() <= 0) {
                return Duration.ZERO;
            }
            BigInteger[] qr = missing.divideAndRemainder(BigInteger.valueOf(limit));
            BigInteger nanos = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
            return Duration.ofNanos(nanos.longValueExact());
        }
    }

    /** A counter of units per day of its shape's zone, full again at that zone's midnight. */
    private static final class PerDay implements State {
        private final Bucket.Shape shape;
        private long limit;
        private LocalDate day;
        private long used;

        PerDay(Bucket.Shape shape, long limit, Instant now) {
            this.shape = shape;
            this.limit = limit;
            this.day = shape.day(now);
        }

        @Override
        public Bucket.Shape shape() {
            return shape;
        }

        @Override
        public void advance(Instant now) {
            LocalDate today = shape.day(now);
            if (today.isAfter(day)) {
                day = today;
                used = 0;
            }
        }

        @Override
        public void relimit(long newLimit) {
            long holds = Math.min(Math.max(0, limit - used), newLimit);
            limit = newLimit;
            used = newLimit - holds;
        }

        @Override
        public long available() {
            return Math.max(0, limit - used);
        }

        @Override
        public void remove(long units) {
            used += units;
        }

        @Override
        public boolean add(long units, Instant takenAt) {
            if (!shape.day(takenAt).equals(day)) {
                return false;
            }
            used = Math.max(0, used - units);
            return true;
        }

        @Override
        public Duration untilHolds(long units, Instant now) {
            return available() >= units ? Duration.ZERO : untilTomorrow(now);
        }

        @Override
        public Duration resetIn(Instant now) {
            return used == 0 ? Duration.ZERO : untilTomorrow(now);
        }

        private Duration untilTomorrow(Instant now) {
            return Duration.between(now, shape.startOf(day.plusDays(1)));
        }
    }
}
