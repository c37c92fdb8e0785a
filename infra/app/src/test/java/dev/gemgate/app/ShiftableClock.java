package dev.gemgate.app;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application's clock in the app's tests: real time plus an offset a test may move, so that grace periods and
 * windows can pass without sleeping. A test that moves it puts it back ({@link #reset}) before it ends, since the
 * other tests of the same boot share it.
 */
public final class ShiftableClock extends Clock {
    private static final AtomicReference<Duration> OFFSET = new AtomicReference<>(Duration.ZERO);

    /** Replaces the real clock of {@code CoreProducers} in every @QuarkusTest of this module. */
    public static final class Producer {
        @Produces
        @Singleton
        @Alternative
        @Priority(1)
        Clock clock() {
            return new ShiftableClock();
        }
    }

    public static void advance(Duration by) {
        OFFSET.updateAndGet(offset -> offset.plus(by));
    }

    /** Moves the clock to {@code instant} (it runs on from there), for tests whose result depends on the date. */
    public static void setTo(Instant instant) {
        OFFSET.set(Duration.between(Instant.now(), instant));
    }

    public static void reset() {
        OFFSET.set(Duration.ZERO);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(OFFSET.get());
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }
}
