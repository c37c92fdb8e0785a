package dev.gemgate.domain.upstream;

import dev.gemgate.domain.common.Backoff;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamRetryPolicyTest {
    private final UpstreamRetryPolicy policy = new UpstreamRetryPolicy(3,
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)));

    private static UpstreamException failure(Kind kind, int status) {
        return new UpstreamException(kind, status, "x");
    }

    @Test
    void retriesWhatGoogleSaysIsTransientAndNothingElse() {
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.RATE_LIMITED, 429))).isTrue();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.UNAVAILABLE, 503))).isTrue();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.UNAVAILABLE, 0))).isTrue();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.TIMEOUT, 504))).isTrue();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.CREDENTIAL_REJECTED, 403))).isTrue();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.CIRCUIT_OPEN, 0))).isTrue();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.INVALID_REQUEST, 400))).isFalse();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.NOT_FOUND, 404))).isFalse();
        assertThat(UpstreamRetryPolicy.retryable(failure(Kind.PROTOCOL_ERROR, 200))).isFalse();
    }

    @Test
    void backsOffExponentiallyWithJitterAfterA5xxButNotAfterACredentialBoundFailure() {
        UpstreamException unavailable = failure(Kind.UNAVAILABLE, 503);
        assertThat(policy.waitBefore(1, unavailable, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.waitBefore(1, unavailable, 0.999)).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
        assertThat(policy.waitBefore(2, unavailable, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.waitBefore(3, unavailable, 0.5)).isEqualTo(Duration.ofMillis(600));
        assertThat(policy.waitBefore(9, unavailable, 0.0)).isEqualTo(Duration.ofSeconds(1));
        // the gate holds a 429's credential for its RetryInfo delay; another credential needs no wait
        assertThat(policy.waitBefore(1, failure(Kind.RATE_LIMITED, 429), 0.5)).isZero();
        assertThat(policy.waitBefore(1, failure(Kind.CIRCUIT_OPEN, 0), 0.5)).isZero();
    }

    @Test
    void onlyAFailureTheUpstreamMightNotRepeatIsTriedAgainOnTheSameCredential() {
        assertThat(UpstreamRetryPolicy.worthRepeatingOnSameCredential(failure(Kind.UNAVAILABLE, 503))).isTrue();
        assertThat(UpstreamRetryPolicy.worthRepeatingOnSameCredential(failure(Kind.RATE_LIMITED, 429))).isTrue();
        assertThat(UpstreamRetryPolicy.worthRepeatingOnSameCredential(failure(Kind.CIRCUIT_OPEN, 0))).isFalse();
        assertThat(UpstreamRetryPolicy.worthRepeatingOnSameCredential(failure(Kind.CREDENTIAL_BUSY, 0))).isFalse();
        assertThat(UpstreamRetryPolicy.worthRepeatingOnSameCredential(failure(Kind.CREDENTIAL_REJECTED, 401)))
                .isFalse();
    }

    @Test
    void aRetryAfterOnA5xxIsHonouredWhenLongerThanTheBackoff() {
        UpstreamException asked = new UpstreamException(Kind.UNAVAILABLE, 503, "x", Duration.ofSeconds(3), null);
        assertThat(policy.waitBefore(1, asked, 0.5)).isEqualTo(Duration.ofSeconds(3));
        UpstreamException brief = new UpstreamException(Kind.UNAVAILABLE, 503, "x", Duration.ofMillis(10), null);
        assertThat(policy.waitBefore(1, brief, 0.5)).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void noWaitOrAttemptOutlivesTheDeadline() {
        Instant now = Instant.parse("2026-11-30T10:00:00Z");
        Instant deadline = now.plusSeconds(1);
        assertThat(UpstreamRetryPolicy.fits(now, Duration.ofMillis(900), deadline)).isTrue();
        assertThat(UpstreamRetryPolicy.fits(now, Duration.ofMillis(951), deadline)).isFalse();
        assertThat(UpstreamRetryPolicy.fits(deadline, Duration.ZERO, deadline)).isFalse();
    }
}
