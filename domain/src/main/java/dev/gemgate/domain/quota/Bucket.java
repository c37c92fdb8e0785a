package dev.gemgate.domain.quota;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One rate limit's fleet-wide allowance: its key (which limit of whom, e.g. {@code tenant:<id>:requests-per-minute}),
 * its shape and its limit.
 *
 * @param key   stable and unique per limit and scope; at most 200 characters
 * @param shape how the allowance comes back
 * @param limit the allowance: units per minute, or per day (of the shape's zone); at least 1
 */
public record Bucket(String key, Shape shape, long limit) {
    public enum Shape {
        /**
         * A token bucket of capacity {@code limit}, refilled continuously at {@code limit} units per minute: a rolling
         * window. A full bucket admits a burst of {@code limit}; over any interval t the bucket admits at most
         * {@code limit x (1 + t / 1 min)}.
         */
        PER_MINUTE(null),
        /** A counter of {@code limit} units per UTC day, back to {@code limit} at 00:00 UTC. */
        PER_DAY_UTC(ZoneOffset.UTC),
        /**
         * A counter of {@code limit} units per day in Pacific time ({@code America/Los_Angeles}), back to {@code limit}
         * at local midnight: Google's requests-per-day reset. Daylight saving time is followed, so the day is 23 hours
         * long in March and 25 hours long in November, and the reset is at 07:00 or 08:00 UTC.
         */
        PER_DAY_PACIFIC(ZoneId.of("America/Los_Angeles"));

        private final ZoneId zone;

        Shape(ZoneId zone) {
            this.zone = zone;
        }

        /** Whether it counts units per calendar day (of {@link #zone()}) rather than refilling by the minute. */
        public boolean perDay() {
            return zone != null;
        }

        /** The zone whose calendar day a per-day shape counts; null for {@link #PER_MINUTE}. */
        public ZoneId zone() {
            return zone;
        }

        /** The day {@code instant} falls on, in this per-day shape's zone. */
        public LocalDate day(Instant instant) {
            return LocalDate.ofInstant(instant, requireZone());
        }

        /** When {@code day} begins in this per-day shape's zone (its midnight, or the first instant after a gap). */
        public Instant startOf(LocalDate day) {
            return day.atStartOfDay(requireZone()).toInstant();
        }

        /** How long from {@code now} until the next day of this per-day shape begins (always positive). */
        public Duration untilNextDay(Instant now) {
            return Duration.between(now, startOf(day(now).plusDays(1)));
        }

        private ZoneId requireZone() {
            if (zone == null) {
                throw new IllegalStateException(this + " is not a per-day shape");
            }
            return zone;
        }
    }

    public Bucket {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        if (key.isBlank() || key.length() > 200) {
            throw new IllegalArgumentException("a bucket key is 1 to 200 characters");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("a limit is at least 1: " + limit);
        }
    }
}
