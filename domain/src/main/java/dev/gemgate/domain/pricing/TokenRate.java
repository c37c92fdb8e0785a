package dev.gemgate.domain.pricing;

import dev.gemgate.domain.common.Money;

/** A price per one million tokens. */
public record TokenRate(Money perMillion) {
    public TokenRate {
        if (perMillion == null) {
            throw new IllegalArgumentException("rate is required");
        }
    }

    public static TokenRate dollarsPerMillion(String dollars) {
        return new TokenRate(Money.ofDollars(dollars));
    }

    /** tokens x rate in micro-dollars x 10^-6, kept exact (the division happens once, on the total). */
    long microsTimesMillion(long tokens) {
        return Math.multiplyExact(tokens, perMillion.micros());
    }
}
