package dev.gemgate.adapter.web.openai;

import dev.gemgate.domain.common.AuthenticationException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiErrorTest {

    @Test
    void theEnvelopeHasStringTypeAndCodeAndAlwaysParamAndCode() {
        Map<String, Object> envelope = OpenAiError.simple(404, "no", OpenAiError.INVALID_REQUEST, "model_not_found")
                .envelope();
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) envelope.get("error");
        assertThat(error.keySet()).containsExactly("message", "type", "param", "code");
        assertThat(error.get("type")).isEqualTo("invalid_request_error");
        assertThat(error.get("param")).isNull();
        assertThat(error.get("code")).isEqualTo("model_not_found");
    }

    @Test
    void badInputIs400NamingTheField() {
        OpenAiError error = OpenAiError.of(InvalidRequestException.forField("temperature", "must be from 0 to 2"));
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo("temperature");
        assertThat(error.code()).isEqualTo("invalid_value");
        assertThat(OpenAiError.of(new InvalidRequestException(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE, "big"))
                .code()).isEqualTo("request_too_large");
    }

    @Test
    void keysAndScopesAre401And403() {
        OpenAiError unknown = OpenAiError.of(new AuthenticationException("API key not valid."));
        assertThat(unknown.httpStatus()).isEqualTo(401);
        assertThat(unknown.type()).isEqualTo("authentication_error");
        assertThat(unknown.code()).isEqualTo("invalid_api_key");
        OpenAiError revoked = OpenAiError.of(new PermissionDeniedException(
                PermissionDeniedException.Reason.KEY_RETIRED, "revoked"));
        assertThat(revoked.httpStatus()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("invalid_api_key");
        OpenAiError scope = OpenAiError.of(new PermissionDeniedException("not for this surface"));
        assertThat(scope.httpStatus()).isEqualTo(403);
        assertThat(scope.code()).isEqualTo("permission_denied");
    }

    @Test
    void aRateLimitSaysWhichUnitAndWhenToRetry() {
        OpenAiError requests = OpenAiError.of(new LimitExceededException(LimitExceededException.Kind.QUOTA,
                "RequestsPerMinutePerApiKey", Duration.ofMillis(1500), "too many"));
        assertThat(requests.httpStatus()).isEqualTo(429);
        assertThat(requests.type()).isEqualTo("requests");
        assertThat(requests.code()).isEqualTo("rate_limit_exceeded");
        assertThat(requests.retryAfterSeconds()).hasValue(2L);
        assertThat(OpenAiError.of(new LimitExceededException(LimitExceededException.Kind.QUOTA,
                "TokensPerMinutePerTenant", null, "too many")).type()).isEqualTo("tokens");
    }

    @Test
    void anExhaustedBudgetIsInsufficientQuotaAs429LikeOpenAisBilling() {
        OpenAiError budget = OpenAiError.of(new LimitExceededException(LimitExceededException.Kind.BUDGET,
                "tenant monthly", null, "budget exhausted"));
        assertThat(budget.httpStatus()).isEqualTo(429);
        assertThat(budget.type()).isEqualTo("insufficient_quota");
        assertThat(budget.code()).isEqualTo("insufficient_quota");
        assertThat(budget.retryAfter()).isEmpty();
    }

    @Test
    void upstreamFailuresAreServerErrorsWithTheirStatus() {
        assertThat(OpenAiError.of(new UpstreamException(UpstreamException.Kind.TIMEOUT, 504, "slow")).httpStatus())
                .isEqualTo(504);
        OpenAiError unavailable = OpenAiError.of(new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503, "down")
                .afterAttempts(3));
        assertThat(unavailable.httpStatus()).isEqualTo(503);
        assertThat(unavailable.type()).isEqualTo("server_error");
        assertThat(unavailable.message()).contains("after 3 attempts");
        assertThat(OpenAiError.of(new UpstreamException(UpstreamException.Kind.NOT_FOUND, 404, "no model")).code())
                .isEqualTo("model_not_found");
        assertThat(OpenAiError.of(new NotFoundException("models/x is not found")).httpStatus()).isEqualTo(404);
        assertThat(OpenAiError.of(new ServiceUnavailableException("draining", Duration.ofSeconds(1), null))
                .retryAfter()).isEqualTo(Optional.of(Duration.ofSeconds(1)));
    }

    @Test
    void theSurfaceCoversGooglesLayoutAndOpenAisV1PathsOnly() {
        assertThat(OpenAiErrors.covers("/v1beta/openai/chat/completions", null)).isTrue();
        assertThat(OpenAiErrors.covers("/v1beta/openai/nope", null)).isTrue();
        assertThat(OpenAiErrors.covers("/v1/chat/completions", null)).isTrue();
        assertThat(OpenAiErrors.covers("/v1/embeddings", null)).isTrue();
        assertThat(OpenAiErrors.covers("/v1/models/gemini-2.5-flash:generateContent", null)).isFalse();
        assertThat(OpenAiErrors.covers("/v1beta/models", null)).isFalse();
        assertThat(OpenAiErrors.covers("/v1beta/openaiish", null)).isFalse();
        assertThat(OpenAiErrors.covers("/admin/api/v1/tenants", null)).isFalse();
    }
}
