package dev.gemgate.adapter.web;

import dev.gemgate.domain.quota.RateLimitStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class RateLimitHeadersTest {
    @Test
    void eachUnitWithALimitGetsItsThreeHeaders() {
        RateLimitStatus status = new RateLimitStatus(
                Optional.of(new RateLimitStatus.Standing(60, 59, Duration.ofSeconds(1))),
                Optional.of(new RateLimitStatus.Standing(150_000, 149_984, Duration.ofMillis(6))));

        assertThat(RateLimitHeaders.of(status)).containsExactly(
                entry("x-ratelimit-limit-requests", "60"),
                entry("x-ratelimit-remaining-requests", "59"),
                entry("x-ratelimit-reset-requests", "1s"),
                entry("x-ratelimit-limit-tokens", "150000"),
                entry("x-ratelimit-remaining-tokens", "149984"),
                entry("x-ratelimit-reset-tokens", "6ms"));
    }

    @Test
    void aUnitWithoutLimitsHasNoHeaders() {
        assertThat(RateLimitHeaders.of(RateLimitStatus.NONE)).isEmpty();
        assertThat(RateLimitHeaders.of(new RateLimitStatus(Optional.empty(),
                Optional.of(new RateLimitStatus.Standing(10, 10, Duration.ZERO))))).containsOnlyKeys(
                "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");
    }

    @Test
    void resetsReadLikeGoDurationsRoundedUpToTheMillisecond() {
        assertThat(RateLimitHeaders.duration(Duration.ZERO)).isEqualTo("0s");
        assertThat(RateLimitHeaders.duration(Duration.ofNanos(1))).isEqualTo("1ms");
        assertThat(RateLimitHeaders.duration(Duration.ofMillis(600))).isEqualTo("600ms");
        assertThat(RateLimitHeaders.duration(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(RateLimitHeaders.duration(Duration.ofMillis(59_999))).isEqualTo("59.999s");
        assertThat(RateLimitHeaders.duration(Duration.ofMillis(1_050))).isEqualTo("1.05s");
        assertThat(RateLimitHeaders.duration(Duration.ofMillis(1_005))).isEqualTo("1.005s");
        assertThat(RateLimitHeaders.duration(Duration.ofMillis(1_101))).isEqualTo("1.101s");
        assertThat(RateLimitHeaders.duration(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(RateLimitHeaders.duration(Duration.ofSeconds(3 * 3600 + 61).plusMillis(20))).isEqualTo("3h1m1.02s");
    }
}
