package dev.gemgate.adapter.web.gemini;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GeminiErrorTest {
    @Test
    void aQuotaRefusalIs429WithQuotaFailureRetryInfoAndWholeSecondRetryAfter() {
        GeminiError error = GeminiError.of(new LimitExceededException(LimitExceededException.Kind.QUOTA,
                "requests-per-minute", Duration.ofMillis(1_200), "Quota exceeded"));
        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.retryAfterSeconds()).hasValue(2L);

        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) error.envelope(new RequestId("req-12345678")).get("error");
        assertThat(body).containsEntry("code", 429).containsEntry("status", "RESOURCE_EXHAUSTED");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> details = (List<Map<String, Object>>) body.get("details");
        assertThat(details).hasSize(3).anySatisfy(d -> assertThat(d)
                .containsEntry("@type", "type.googleapis.com/google.rpc.RetryInfo").containsEntry("retryDelay", "2s"));
    }

    @Test
    void theQuotaFailureNamesTheLimitThatRefusedAndALimitThatCanNeverFitHasNoRetry() {
        GeminiError error = GeminiError.of(new LimitExceededException(LimitExceededException.Kind.QUOTA,
                "TokensPerMinutePerTenantPerModel", null, "This request costs 40000 against ..."));

        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.retryAfterSeconds()).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) error.envelope(new RequestId("req-12345678")).get("error");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> details = (List<Map<String, Object>>) body.get("details");
        assertThat(details).noneSatisfy(d -> assertThat(d).containsEntry("@type",
                "type.googleapis.com/google.rpc.RetryInfo"));
        assertThat(details).anySatisfy(d -> {
            assertThat(d).containsEntry("@type", "type.googleapis.com/google.rpc.QuotaFailure");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> violations = (List<Map<String, Object>>) d.get("violations");
            assertThat(violations).singleElement().satisfies(v -> assertThat(v)
                    .containsEntry("subject", "quota").containsEntry("quotaId", "TokensPerMinutePerTenantPerModel"));
        });
    }

    @Test
    void upstreamFailuresMapToGeminiStatusesWithoutLeakingTheCredentialProblem() {
        assertThat(GeminiError.of(new UpstreamException(UpstreamException.Kind.TIMEOUT, 0, "x")).status())
                .isEqualTo("DEADLINE_EXCEEDED");
        GeminiError credential = GeminiError.of(new UpstreamException(UpstreamException.Kind.CREDENTIAL_REJECTED, 400,
                "API key not valid: AIzaSySecret"));
        assertThat(credential.httpStatus()).isEqualTo(503);
        assertThat(credential.message()).doesNotContain("AIzaSySecret");
        assertThat(GeminiError.of(new AuthenticationException("no key")).httpStatus()).isEqualTo(401);
    }

    @Test
    void anUpstreamFailureAfterRetriesSaysHowManyAttemptsAndTheLastStatusInTheMessageAndAnErrorInfo() {
        UpstreamException retried = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503,
                "the upstream is unavailable (503 UNAVAILABLE)").afterAttempts(3);
        GeminiError error = GeminiError.of(retried);
        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.message()).isEqualTo("The upstream is unavailable: the upstream is unavailable (503 "
                + "UNAVAILABLE) (after 3 attempts; the last answered HTTP 503)");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) error.envelope(new RequestId("req-12345678")).get("error");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> details = (List<Map<String, Object>>) body.get("details");
        assertThat(details).anySatisfy(d -> assertThat(d)
                .containsEntry("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                .containsEntry("reason", "UPSTREAM_UNAVAILABLE").containsEntry("domain", "gemgate.dev")
                .containsEntry("metadata", Map.of("attempts", "3", "lastUpstreamStatus", "503")));
        assertThat(details).anySatisfy(d -> assertThat(d)
                .containsEntry("@type", "type.googleapis.com/google.rpc.RequestInfo")
                .containsEntry("requestId", "req-12345678"));

        GeminiError deadline = GeminiError.of(new UpstreamException(UpstreamException.Kind.TIMEOUT, 0,
                "the request's deadline passed").afterAttempts(2));
        assertThat(deadline.httpStatus()).isEqualTo(504);
        assertThat(deadline.status()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(deadline.message()).isEqualTo("The upstream did not answer in time (after 2 attempts).");
    }
}
