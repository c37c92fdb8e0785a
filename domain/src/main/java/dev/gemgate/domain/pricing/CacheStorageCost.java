package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * What an explicit context cache's storage costs: its cached tokens for the time it lives, at the model's
 * {@link ModelPrice#cacheStoragePerHour} (per 1M tokens per hour), prorated to the nanosecond ("billed based on the TTL
 * duration of cached token count"). A cache billed in pieces (at a TTL change, at its deletion, by the settlement
 * sweep) is charged the difference of the running totals since its creation, each rounded up to the micro-dollar once,
 * so that the pieces add up to exactly the charge of the whole lifetime: no rounding accumulates.
 */
public final class CacheStorageCost {
    private static final BigInteger NANOS_PER_HOUR_TIMES_MILLION =
            BigInteger.valueOf(3_600_000_000_000L).multiply(BigInteger.valueOf(1_000_000L));

    private CacheStorageCost() {
    }

    /** {@code tokens} stored for {@code lived} at {@code perHour}, rounded up to the micro-dollar. */
    public static Money of(TokenRate perHour, long tokens, Duration lived) {
        if (perHour == null || lived == null || tokens < 0 || lived.isNegative()) {
            throw new IllegalArgumentException("a rate, a token count and a lifetime that are not negative");
        }
        BigInteger scaled = BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(perHour.perMillion().micros()))
                .multiply(BigInteger.valueOf(lived.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
                        .add(BigInteger.valueOf(lived.getNano())));
        BigInteger[] qr = scaled.divideAndRemainder(NANOS_PER_HOUR_TIMES_MILLION);
        BigInteger micros = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return Money.ofMicros(micros.longValueExact());
    }

    /**
     * The piece of a cache created at {@code createdAt} stored from {@code from} to {@code to}: the running total at
     * {@code to} less the running total at {@code from}. Zero when {@code to} is not after {@code from}.
     */
    public static Money between(TokenRate perHour, long tokens, Instant createdAt, Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Money.ZERO;
        }
        if (from.isBefore(createdAt)) {
            throw new IllegalArgumentException("storage is billed from the cache's creation on");
        }
        return of(perHour, tokens, Duration.between(createdAt, to))
                .minusOrZero(of(perHour, tokens, Duration.between(createdAt, from)));
    }
}
