package dev.gemgate.adapter.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where SDK and transport failures become {@link UpstreamException}s. Decisions are made on the HTTP
 * status and exception types only; the single exception is a 429's {@code RetryInfo.retryDelay} and QuotaFailure
 * {@code quotaId}s, which the SDK only exposes inside the message (it appends the error's {@code details} JSON). Messages never carry the credential's
 * secret.
 */
final class UpstreamErrors {
    static final String CREDENTIAL_REJECTED_MESSAGE = "upstream credential rejected";

    /** {@code "retryDelay": "37s"} or {@code "1.500s"} (a protobuf Duration in JSON) inside the appended details. */
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"(\\d+(?:\\.\\d{1,9})?)s\"");
    /**
     * {@code "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"} in a QuotaFailure violation. Only the
     * characters of Google's quota ids are taken (letters, digits, {@code _ . -}), at most 128 of them, so nothing else
     * of the message (a quoted key, say) can ride along.
     */
    private static final Pattern QUOTA_ID = Pattern.compile("\"quotaId\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,128})\"");
    /** More violations than this are not read: Google names one or two. */
    private static final int MAX_QUOTA_IDS = 8;
    private static final String REDACTED = "[redacted]";

    private UpstreamErrors() {
    }

    /**
     * A failure of a call bounded by {@code guard}. Once the guard has fired, a transport failure is the guard's
     * doing, whatever OkHttp made of the cancel ({@code IOException("Canceled")}, a reset stream, a closed socket):
     * a deadline is {@link Kind#TIMEOUT}; a cancel (the caller went away) is {@link Kind#TIMEOUT} too, with its own
     * message, as the domain has no kind for it (see {@link #CANCELLED_MESSAGE}). An answer the upstream gave before
     * (a status, an unreadable body) keeps its own mapping.
     */
    static UpstreamException translate(Throwable failure, String secret, UpstreamCallGuard guard) {
        Throwable t = unwrap(failure);
        Optional<UpstreamCallGuard.Reason> fired = guard.fired();
        if (fired.isEmpty() || !isTransportFailure(t)) {
            return withRetryAfter(translate(failure, secret, false), guard.retryAfter());
        }
        return switch (fired.get()) {
            case TOTAL_DEADLINE -> build(Kind.TIMEOUT, 0, DEADLINE_MESSAGE, t, secret);
            case IDLE_DEADLINE -> build(Kind.TIMEOUT, 0, IDLE_DEADLINE_MESSAGE, t, secret);
            case CANCELLED -> build(Kind.TIMEOUT, 0, CANCELLED_MESSAGE, t, secret);
        };
    }

    static final String DEADLINE_MESSAGE = "the upstream did not answer within the deadline";
    static final String IDLE_DEADLINE_MESSAGE = "the upstream sent nothing for longer than the idle deadline";
    /**
     * The caller went away and its upstream call was cancelled. Nobody is left to read this; it is a
     * {@link Kind#TIMEOUT} (recorded as such, never logged as an error) rather than {@link Kind#UNAVAILABLE}, which
     * would count as an upstream failure. A retry policy must not retry it: the caller is gone.
     */
    static final String CANCELLED_MESSAGE = "the upstream call was cancelled: the caller went away";

    private static boolean isTransportFailure(Throwable t) {
        return (t instanceof GenAiIOException || t instanceof IOException || t instanceof UncheckedIOException)
                && !has(t, JsonProcessingException.class);
    }

    /**
     * @param failure        what the SDK (or our parsing) threw
     * @param secret         the credential's secret, scrubbed from every message
     * @param deadlinePassed whether the call's own timeout had run out when it failed: a transport failure then is
     *                       the timeout, whatever the exception type
     */
    static UpstreamException translate(Throwable failure, String secret, boolean deadlinePassed) {
        Throwable t = unwrap(failure);
        if (t instanceof UpstreamException u) {
            return u;
        }
        if (t instanceof ApiException api) {
            return fromStatus(api, secret);
        }
        if (t instanceof GenAiIOException || t instanceof IOException || t instanceof UncheckedIOException) {
            if (has(t, JsonProcessingException.class)) {
                return build(Kind.PROTOCOL_ERROR, 0, "the upstream sent a response that is not valid JSON", t, secret);
            }
            if (has(t, InterruptedIOException.class) || deadlinePassed) {
                // OkHttp's call timeout surfaces as InterruptedIOException("timeout"), SocketTimeoutException is one too
                return build(Kind.TIMEOUT, 0, "the upstream did not answer in time", t, secret);
            }
            if (has(t, IOException.class)) {
                return build(Kind.UNAVAILABLE, 0, "the upstream connection failed", t, secret);
            }
            return build(Kind.PROTOCOL_ERROR, 0, "the upstream response could not be read", t, secret);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return build(Kind.TIMEOUT, 0, "the upstream call was interrupted", t, secret);
        }
        return build(Kind.PROTOCOL_ERROR, 0, "the upstream response could not be read", t, secret);
    }

    private static UpstreamException fromStatus(ApiException api, String secret) {
        int code = api.code();
        String upstreamMessage = firstLine(api.message());
        return switch (code) {
            case 429 -> new UpstreamException(Kind.RATE_LIMITED, code,
                    scrub("the upstream is rate limited: " + upstreamMessage, secret),
                    retryDelay(api.message()).orElse(null), quotaIds(api.message(), secret), cause(api, secret));
            case 500, 502, 503 -> build(Kind.UNAVAILABLE, code,
                    "the upstream is unavailable (" + code + " " + api.status() + ")", api, secret);
            case 504, 408 -> build(Kind.TIMEOUT, code, "the upstream timed out (" + code + " " + api.status() + ")",
                    api, secret);
            case 401, 403 -> build(Kind.CREDENTIAL_REJECTED, code, CREDENTIAL_REJECTED_MESSAGE, api, secret);
            case 404 -> build(Kind.NOT_FOUND, code, nonBlank(upstreamMessage, "not found upstream"), api, secret);
            case 400 -> apiKeyInvalid(api)
                    ? build(Kind.CREDENTIAL_REJECTED, code, CREDENTIAL_REJECTED_MESSAGE, api, secret)
                    : build(Kind.INVALID_REQUEST, code, nonBlank(upstreamMessage, "the upstream refused the request"),
                    api, secret);
            default -> code >= 500
                    ? build(Kind.UNAVAILABLE, code, "the upstream failed (" + code + " " + api.status() + ")", api, secret)
                    : build(Kind.INVALID_REQUEST, code, nonBlank(upstreamMessage, "the upstream refused the request ("
                    + code + " " + api.status() + ")"), api, secret);
        };
    }

    /**
     * Google answers an invalid API key with 400 INVALID_ARGUMENT and an ErrorInfo reason {@code API_KEY_INVALID}; the
     * SDK only exposes the reason inside the message, so this is the one status that needs a look at it.
     */
    private static boolean apiKeyInvalid(ApiException api) {
        String message = api.message() == null ? "" : api.message();
        return message.contains("API_KEY_INVALID") || message.contains("API key not valid")
                || message.contains("API key expired");
    }

    /**
     * A 429's or 5xx's {@code Retry-After} (whole seconds, or an HTTP date) as the failure's retry delay, when the body
     * named none (Google's RetryInfo wins: it is the more precise of the two). Proxies and load balancers in front of
     * Google send the header without a body Gemgate can read.
     */
    static UpstreamException withRetryAfter(UpstreamException failure, Optional<Duration> header) {
        if (header.isEmpty() || failure.retryDelay().isPresent()
                || !(failure.kind() == Kind.RATE_LIMITED || failure.kind() == Kind.UNAVAILABLE
                || failure.kind() == Kind.TIMEOUT) || failure.upstreamStatus() == 0) {
            return failure;
        }
        UpstreamException hinted = new UpstreamException(failure.kind(), failure.upstreamStatus(),
                failure.getMessage(), header.get(), failure.quotaIds(), failure.getCause());
        hinted.setStackTrace(failure.getStackTrace());
        return hinted;
    }

    /** {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 10.2.3), capped; empty when absent or unreadable. */
    static Optional<Duration> retryAfterHeader(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        Duration delay;
        if (v.chars().allMatch(Character::isDigit)) {
            if (v.length() > 9) {
                return Optional.of(MAX_RETRY_DELAY);
            }
            delay = Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                delay = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (delay.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay);
    }

    static Optional<Duration> retryDelay(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = RETRY_DELAY.matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        BigDecimal seconds = new BigDecimal(m.group(1));
        // an absurd delay (beyond a long's nanoseconds) must not turn a 429 into an arithmetic failure: the longest
        // a Gemini quota makes anyone wait is until its daily reset
        if (seconds.compareTo(BigDecimal.valueOf(MAX_RETRY_DELAY.toSeconds())) > 0) {
            return Optional.of(MAX_RETRY_DELAY);
        }
        return Optional.of(Duration.ofNanos(seconds.movePointRight(9).longValueExact()));
    }

    /**
     * The {@code quotaId}s of a 429's QuotaFailure violations, in order, without repeats (Google names per-minute and
     * per-day quotas apart, e.g. {@code GenerateRequestsPerMinutePerProjectPerModel} and
     * {@code GenerateRequestsPerDayPerProjectPerModel-FreeTier}). An id that contains the secret is dropped.
     */
    static List<String> quotaIds(String message, String secret) {
        if (message == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(2);
        Matcher m = QUOTA_ID.matcher(message);
        while (m.find() && ids.size() < MAX_QUOTA_IDS) {
            String id = m.group(1);
            boolean quotesSecret = secret != null && !secret.isBlank() && id.contains(secret.strip());
            if (!quotesSecret && !ids.contains(id)) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    /** The longest retry delay passed on: a day, Gemini's longest quota window (requests per day). */
    static final Duration MAX_RETRY_DELAY = Duration.ofDays(1);

    private static UpstreamException build(Kind kind, int status, String message, Throwable cause, String secret) {
        return new UpstreamException(kind, status, scrub(message, secret), null, cause(cause, secret));
    }

    /** Keeps the cause for the logs unless some message in its chain quotes the secret. */
    private static Throwable cause(Throwable cause, String secret) {
        if (cause == null || secret == null || secret.isBlank()) {
            return cause;
        }
        for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(secret)) {
                return null;
            }
        }
        return cause;
    }

    static String scrub(String message, String secret) {
        if (message == null) {
            return "";
        }
        if (secret == null || secret.isBlank()) {
            return message;
        }
        return message.replace(secret, REDACTED).replace(secret.strip(), REDACTED);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The upstream's own message, without the details JSON the SDK appends after it. */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    private static String nonBlank(String message, String fallback) {
        return message == null || message.isBlank() ? fallback : message;
    }
}
