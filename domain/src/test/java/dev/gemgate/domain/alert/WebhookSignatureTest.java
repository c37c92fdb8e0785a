package dev.gemgate.domain.alert;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignatureTest {
    private static final String SECRET = "whsec_0123456789abcdef";
    private static final String BODY = "{\"id\":\"1\",\"type\":\"budget.threshold_crossed\"}";

    @Test
    void signsTimestampDotBodyWithHmacSha256InLowerCaseHex() {
        // printf '%s' '1764460800.{"id":"1","type":"budget.threshold_crossed"}' \
        //   | openssl dgst -sha256 -hmac 'whsec_0123456789abcdef'
        assertThat(new WebhookSignature(SECRET).sign(1764460800L, BODY))
                .isEqualTo("sha256=3fc235c6e09742862019e344ebc21623be615faa03e9b953f70625f37beeb283");
    }

    @Test
    void aReceiverVerifiesOnlyTheSameSecretBodyAndTimestamp() {
        WebhookSignature signature = new WebhookSignature(SECRET);
        String signed = signature.sign(1764460800L, BODY);

        assertThat(signature.verifies(1764460800L, BODY, signed)).isTrue();
        assertThat(signature.verifies(1764460801L, BODY, signed)).as("another timestamp (a replay)").isFalse();
        assertThat(signature.verifies(1764460800L, BODY + " ", signed)).as("another body").isFalse();
        assertThat(new WebhookSignature("another secret").verifies(1764460800L, BODY, signed)).isFalse();
        assertThat(signature.verifies(1764460800L, BODY, null)).isFalse();
    }

    @Test
    void neverShowsTheSecret() {
        assertThat(new WebhookSignature(SECRET).toString()).doesNotContain(SECRET);
        assertThatThrownBy(() -> new WebhookSignature("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffDoublesWithJitterUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofMinutes(5));

        assertThat(policy.backoffAfter(1, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.backoffAfter(1, 0.999999)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        assertThat(policy.backoffAfter(2, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffAfter(4, 0.0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoffAfter(9, 0.0)).isEqualTo(Duration.ofSeconds(128));
        assertThat(policy.backoffAfter(10, 0.0)).isEqualTo(Duration.ofSeconds(150));
        assertThat(policy.backoffAfter(40, 0.5)).as("capped at 5 min").isEqualTo(Duration.ofSeconds(225));
    }

    @Test
    void onlyTimeoutsThrottlingAndServerErrorsAreRetried() {
        assertThat(RetryPolicy.isRetryable(503)).isTrue();
        assertThat(RetryPolicy.isRetryable(500)).isTrue();
        assertThat(RetryPolicy.isRetryable(408)).isTrue();
        assertThat(RetryPolicy.isRetryable(429)).isTrue();
        assertThat(RetryPolicy.isRetryable(302)).isTrue();
        assertThat(RetryPolicy.isRetryable(400)).isFalse();
        assertThat(RetryPolicy.isRetryable(401)).isFalse();
        assertThat(RetryPolicy.isRetryable(404)).isFalse();
        assertThat(RetryPolicy.isRetryable(410)).isFalse();
    }
}
