package dev.gemgate.domain.upstream;

import dev.gemgate.domain.fakes.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryBudgetTest {
    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");

    @Test
    void startsFullThenAllowsOnlyTheRatioOfRequestsWhenNoTimePasses() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(0.2, 1, 5), clock);
        int retries = 0;
        for (int i = 0; i < 100; i++) {
            budget.requested();
            if (budget.tryRetry()) {
                retries++;
            }
        }
        // 5 from the full bucket, then 0.2 per request: 100 requests bring 20 more
        assertThat(retries).isBetween(24, 25);
        assertThat(budget.tryRetry()).isFalse();
    }

    @Test
    void aQuietGatewayStillRetriesAtTheMinimumRate() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(0.0, 2, 3), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(budget.tryRetry()).isTrue();
        }
        assertThat(budget.tryRetry()).isFalse();
        clock.advance(Duration.ofMillis(499));
        assertThat(budget.tryRetry()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
        // a long quiet spell refills to the cap only
        clock.advance(Duration.ofHours(1));
        assertThat(budget.balance()).isEqualTo(3.0);
    }

    @Test
    void theExtraCallsOfAnOutageAreBoundedByRatioRequestsAndTime() {
        RetryBudget.Settings settings = new RetryBudget.Settings(0.1, 1, 10);
        RetryBudget budget = new RetryBudget(settings, clock);
        long calls = 0;
        int requests = 0;
        // 10 seconds of 100 requests a second, every call failing, each request retrying up to twice
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 100; i++) {
                requests++;
                budget.requested();
                calls++;
                for (int retry = 0; retry < 2 && budget.tryRetry(); retry++) {
                    calls++;
                }
                clock.advance(Duration.ofMillis(10));
            }
        }
        long bound = requests + Math.round(settings.ratio() * requests) + Math.round(settings.minPerSecond() * 10)
                + Math.round(settings.maxBalance());
        assertThat(calls).isLessThanOrEqualTo(bound).isGreaterThan(requests);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RetryBudget.Settings(1.5, 1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBudget.Settings(0.2, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBudget.Settings(0.2, 1, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
