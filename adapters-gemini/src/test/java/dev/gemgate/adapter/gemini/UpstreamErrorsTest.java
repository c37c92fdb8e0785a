package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.core.JsonParseException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.errors.ServerException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The translation table, one SDK or transport failure at a time. */
class UpstreamErrorsTest {
    private static final String SECRET = "AIzaSy-secret-0001";

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "400, INVALID_ARGUMENT, INVALID_REQUEST",
            "401, UNAUTHENTICATED, CREDENTIAL_REJECTED",
            "403, PERMISSION_DENIED, CREDENTIAL_REJECTED",
            "404, NOT_FOUND, NOT_FOUND",
            "408, REQUEST_TIMEOUT, TIMEOUT",
            "413, PAYLOAD_TOO_LARGE, INVALID_REQUEST",
            "429, RESOURCE_EXHAUSTED, RATE_LIMITED",
            "500, INTERNAL, UNAVAILABLE",
            "501, UNIMPLEMENTED, UNAVAILABLE",
            "502, UNAVAILABLE, UNAVAILABLE",
            "503, UNAVAILABLE, UNAVAILABLE",
            "504, DEADLINE_EXCEEDED, TIMEOUT"})
    void statusesMapToKinds(int code, String status, Kind expected) {
        RuntimeException sdk = code >= 500 ? new ServerException(code, status, "upstream says no")
                : new ClientException(code, status, "upstream says no");

        UpstreamException e = UpstreamErrors.translate(sdk, SECRET, false);

        assertThat(e.kind()).isEqualTo(expected);
        assertThat(e.upstreamStatus()).isEqualTo(code);
    }

    @Test
    void anInvalidApiKeyAnsweredWith400IsACredentialProblem() {
        ClientException sdk = new ClientException(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API "
                + "key.\nDetails: [{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]");

        UpstreamException e = UpstreamErrors.translate(sdk, SECRET, false);

        assertThat(e.kind()).isEqualTo(Kind.CREDENTIAL_REJECTED);
        assertThat(e.getMessage()).isEqualTo("upstream credential rejected");
    }

    @Test
    void anInvalidRequestKeepsTheUpstreamMessageWithoutTheDetailsOrTheSecret() {
        ClientException sdk = new ClientException(400, "INVALID_ARGUMENT",
                "Invalid value at 'contents[0]' for key " + SECRET + "\nDetails: [{\"x\":1}]");

        UpstreamException e = UpstreamErrors.translate(sdk, SECRET, false);

        assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(e.getMessage()).isEqualTo("Invalid value at 'contents[0]' for key [redacted]");
        assertThat(e.getCause()).as("a cause quoting the secret is dropped").isNull();
    }

    @Test
    void rateLimitsCarryTheRetryInfoDelay() {
        ClientException sdk = new ClientException(429, "RESOURCE_EXHAUSTED", "Quota exceeded.\nDetails: "
                + "[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"37s\"}]");

        UpstreamException e = UpstreamErrors.translate(sdk, SECRET, false);

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryDelay()).contains(Duration.ofSeconds(37));
    }

    @Test
    void rateLimitsCarryTheQuotaFailuresQuotaIdsToTellPerMinuteFromPerDay() {
        ClientException sdk = new ClientException(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.\n"
                + "Details: [{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":["
                + "{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_requests\","
                + "\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\","
                + "\"quotaDimensions\":{\"location\":\"global\",\"model\":\"gemini-2.5-flash\"},\"quotaValue\":\"250\"},"
                + "{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_requests\","
                + "\"quotaId\": \"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"},"
                + "{\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}]},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"12s\"}]");

        UpstreamException e = UpstreamErrors.translate(sdk, SECRET, false);

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.quotaIds()).containsExactly("GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(e.retryDelay()).contains(Duration.ofSeconds(12));
    }

    @Test
    void quotaIdsAreOnlyQuotaIdsAndNeverTheSecret() {
        assertThat(UpstreamErrors.quotaIds("\"quotaId\":\"" + SECRET + "\", \"quotaId\":\"x\\\" injected\"", SECRET))
                .isEmpty();
        assertThat(UpstreamErrors.quotaIds("no details", SECRET)).isEmpty();
        assertThat(UpstreamErrors.quotaIds(null, SECRET)).isEmpty();
        assertThat(UpstreamErrors.translate(new ClientException(429, "RESOURCE_EXHAUSTED", "slow down"), SECRET, false)
                .quotaIds()).isEmpty();
        assertThat(UpstreamErrors.translate(new ClientException(400, "INVALID_ARGUMENT",
                "bad\nDetails: [{\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel\"}]"), SECRET, false)
                .quotaIds()).as("only a 429 is read for quotas").isEmpty();
    }

    @Test
    void retryDelaysInEveryProtobufDurationForm() {
        assertThat(UpstreamErrors.retryDelay("\"retryDelay\": \"1.5s\"")).contains(Duration.ofMillis(1500));
        assertThat(UpstreamErrors.retryDelay("\"retryDelay\":\"0.000250s\"")).contains(Duration.ofNanos(250_000));
        assertThat(UpstreamErrors.retryDelay("\"retryDelay\":\"2.000000001s\"")).contains(Duration.ofNanos(2_000_000_001));
        assertThat(UpstreamErrors.retryDelay("no details at all")).isEmpty();
        assertThat(UpstreamErrors.retryDelay(null)).isEmpty();
    }

    @Test
    void anAbsurdRetryDelayIsCappedAtADayInsteadOfOverflowing() {
        assertThat(UpstreamErrors.retryDelay("\"retryDelay\":\"99999999999999999999999s\""))
                .contains(Duration.ofDays(1));
        assertThat(UpstreamErrors.retryDelay("\"retryDelay\":\"86401s\"")).contains(Duration.ofDays(1));
        assertThat(UpstreamErrors.retryDelay("\"retryDelay\":\"86400s\"")).contains(Duration.ofDays(1));
    }

    @Test
    void aRateLimitWithoutRetryInfoHasNoDelay() {
        UpstreamException e = UpstreamErrors.translate(new ClientException(429, "Too Many Requests", ""), SECRET, false);

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryDelay()).isEmpty();
    }

    @Test
    void transportFailures() {
        assertThat(kindOf(new GenAiIOException("Failed to execute HTTP request.", new ConnectException("refused"))))
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(kindOf(new GenAiIOException("Failed to execute HTTP request.", new SocketTimeoutException("read"))))
                .isEqualTo(Kind.TIMEOUT);
        assertThat(kindOf(new GenAiIOException("Failed to execute HTTP request.", new InterruptedIOException("timeout"))))
                .isEqualTo(Kind.TIMEOUT);
        assertThat(kindOf(new GenAiIOException("Failed to parse the JSON string.",
                new JsonParseException(null, "Unexpected character")))).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(kindOf(new IllegalStateException("the SDK could not convert the response")))
                .isEqualTo(Kind.PROTOCOL_ERROR);
    }

    @Test
    void aTransportFailureAfterTheDeadlineIsTheTimeout() {
        UpstreamException e = UpstreamErrors.translate(
                new GenAiIOException("Failed to execute HTTP request.", new IOException("Canceled")), SECRET, true);

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void aTransportFailureOfACallWhoseGuardFiredIsTheGuardsDoingWhateverOkHttpMadeOfTheCancel() {
        UpstreamCallGuardTest.ManualWatchdog watchdog = new UpstreamCallGuardTest.ManualWatchdog();
        List<Throwable> cancels = List.of(
                new GenAiIOException("Failed to execute HTTP request.", new IOException("Canceled")),
                new GenAiIOException("Failed to read the HTTP response", new IOException("stream was reset: CANCEL")),
                new GenAiIOException("Failed to read the HTTP response", new SocketException("Socket closed")));
        for (Throwable cancel : cancels) {
            try (UpstreamCallGuard total = UpstreamCallGuard.open(Duration.ofMillis(10), watchdog);
                 UpstreamCallGuard idle = UpstreamCallGuard.open(Duration.ofDays(1), watchdog);
                 UpstreamCallGuard cancelled = UpstreamCallGuard.open(Duration.ofDays(1), watchdog)) {
                idle.idleDeadline(Duration.ofMillis(10));
                cancelled.cancel();
                watchdog.advance(Duration.ofMillis(10));

                assertThat(UpstreamErrors.translate(cancel, SECRET, total)).satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("the upstream did not answer within the deadline");
                });
                assertThat(UpstreamErrors.translate(cancel, SECRET, idle)).satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("the upstream sent nothing for longer than the idle deadline");
                });
                assertThat(UpstreamErrors.translate(cancel, SECRET, cancelled)).satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).isEqualTo("the upstream call was cancelled: the caller went away");
                });
            }
        }
    }

    @Test
    void aGuardThatDidNotFireOrAnAnswerTheUpstreamGaveKeepTheirOwnMapping() {
        UpstreamCallGuardTest.ManualWatchdog watchdog = new UpstreamCallGuardTest.ManualWatchdog();
        try (UpstreamCallGuard quiet = UpstreamCallGuard.open(Duration.ofDays(1), watchdog);
             UpstreamCallGuard fired = UpstreamCallGuard.open(Duration.ofMillis(1), watchdog)) {
            watchdog.advance(Duration.ofMillis(1));

            assertThat(UpstreamErrors.translate(new GenAiIOException("Failed to execute HTTP request.",
                    new ConnectException("refused")), SECRET, quiet).kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(UpstreamErrors.translate(new ClientException(429, "RESOURCE_EXHAUSTED", "slow down"), SECRET,
                    fired).kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(UpstreamErrors.translate(new GenAiIOException("Failed to parse the JSON string.",
                    new JsonParseException(null, "Unexpected end-of-input")), SECRET, fired).kind())
                    .isEqualTo(Kind.PROTOCOL_ERROR);
        }
    }

    @Test
    void asyncWrappersAreUnwrapped() {
        ServerException cause = new ServerException(503, "UNAVAILABLE", "overloaded");

        assertThat(kindOf(new ExecutionException(cause))).isEqualTo(Kind.UNAVAILABLE);
        assertThat(kindOf(new CompletionException(new ExecutionException(cause)))).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void anUpstreamExceptionPassesThrough() {
        UpstreamException original = new UpstreamException(Kind.NOT_FOUND, 404, "gone");

        assertThat(UpstreamErrors.translate(original, SECRET, false)).isSameAs(original);
    }

    private static Kind kindOf(Throwable failure) {
        return UpstreamErrors.translate(failure, SECRET, false).kind();
    }

    @Test
    void aRetryAfterHeaderIsReadAsSecondsOrAnHttpDateAndCapped() {
        java.time.Instant now = java.time.Instant.parse("2026-11-30T10:00:00Z");
        assertThat(UpstreamErrors.retryAfterHeader("7", now)).contains(java.time.Duration.ofSeconds(7));
        assertThat(UpstreamErrors.retryAfterHeader(" 0 ", now)).contains(java.time.Duration.ZERO);
        assertThat(UpstreamErrors.retryAfterHeader("Mon, 30 Nov 2026 10:00:30 GMT", now))
                .contains(java.time.Duration.ofSeconds(30));
        assertThat(UpstreamErrors.retryAfterHeader("Mon, 30 Nov 2026 09:00:00 GMT", now))
                .contains(java.time.Duration.ZERO);
        assertThat(UpstreamErrors.retryAfterHeader("99999999999", now)).contains(UpstreamErrors.MAX_RETRY_DELAY);
        assertThat(UpstreamErrors.retryAfterHeader("soon", now)).isEmpty();
        assertThat(UpstreamErrors.retryAfterHeader(null, now)).isEmpty();
    }

    @Test
    void aRetryAfterHeaderBecomesTheRetryDelayOfA5xxOrA429WithoutRetryInfoButNeverReplacesRetryInfo() {
        var header = java.util.Optional.of(java.time.Duration.ofSeconds(4));
        UpstreamException unavailable = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503, "x");
        assertThat(UpstreamErrors.withRetryAfter(unavailable, header).retryDelay()).isEqualTo(header);
        UpstreamException withInfo = new UpstreamException(UpstreamException.Kind.RATE_LIMITED, 429, "x",
                java.time.Duration.ofSeconds(9), null);
        assertThat(UpstreamErrors.withRetryAfter(withInfo, header).retryDelay())
                .contains(java.time.Duration.ofSeconds(9));
        UpstreamException refused = new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, 400, "x");
        assertThat(UpstreamErrors.withRetryAfter(refused, header).retryDelay()).isEmpty();
    }
}
