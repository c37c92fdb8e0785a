package dev.gemgate.domain.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {
    @Test
    void dollarsAreExactMicros() {
        assertThat(Money.ofDollars("0.30").micros()).isEqualTo(300_000);
        assertThat(Money.ofDollars("12.000001").micros()).isEqualTo(12_000_001);
        assertThat(Money.ofMicros(1_500_000)).hasToString("$1.500000");
    }

    @Test
    void refusesNegativeAndSubMicroAmounts() {
        assertThatThrownBy(() -> Money.ofMicros(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.ofDollars("0.0000001")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void arithmeticNeverGoesNegative() {
        assertThat(Money.ofMicros(5).minusOrZero(Money.ofMicros(9))).isEqualTo(Money.ZERO);
        assertThat(Money.ofMicros(5).plus(Money.ofMicros(9)).micros()).isEqualTo(14);
    }
}
