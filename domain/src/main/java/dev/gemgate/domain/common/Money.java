package dev.gemgate.domain.common;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** An amount of US dollars as integer micro-dollars (1 USD = 1,000,000). Never negative; never a double. */
public record Money(long micros) implements Comparable<Money> {
    public static final Money ZERO = new Money(0);
    private static final BigDecimal MICROS_PER_DOLLAR = BigDecimal.valueOf(1_000_000);

    public Money {
        if (micros < 0) {
            throw new IllegalArgumentException("money cannot be negative: " + micros + " micro-dollars");
        }
    }

    public static Money ofMicros(long micros) {
        return new Money(micros);
    }

    /** Parses a decimal dollar amount such as "0.30"; more than six decimals are refused rather than rounded. */
    public static Money ofDollars(String dollars) {
        BigDecimal micros = new BigDecimal(dollars).multiply(MICROS_PER_DOLLAR);
        try {
            return new Money(micros.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number of micro-dollars: " + dollars, e);
        }
    }

    public Money plus(Money other) {
        return new Money(Math.addExact(micros, other.micros));
    }

    public Money minusOrZero(Money other) {
        return new Money(Math.max(0, micros - other.micros));
    }

    public boolean isZero() {
        return micros == 0;
    }

    public BigDecimal toDollars() {
        return BigDecimal.valueOf(micros).divide(MICROS_PER_DOLLAR, 6, RoundingMode.UNNECESSARY);
    }

    @Override
    public int compareTo(Money o) {
        return Long.compare(micros, o.micros);
    }

    @Override
    public String toString() {
        return "$" + toDollars().toPlainString();
    }
}
