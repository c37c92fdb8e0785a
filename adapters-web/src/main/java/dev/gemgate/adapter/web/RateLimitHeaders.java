package dev.gemgate.adapter.web;

import dev.gemgate.domain.quota.RateLimitStatus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code x-ratelimit-*} headers of a successful response, in the form OpenAI's API made common (and clients parse):
 * {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests}, {@code x-ratelimit-reset-requests} and
 * the same three for tokens, each from the tightest limit of that unit that applied ({@link RateLimitStatus}). A
 * reset is a duration such as {@code 250ms}, {@code 6s}, {@code 1.5s} or {@code 6m0s}. A unit without limits has no
 * headers.
 */
public final class RateLimitHeaders {
    public static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
    public static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
    public static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
    public static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
    public static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
    public static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

    private RateLimitHeaders() {
    }

    /** The headers for {@code status}, in a stable order; empty when no limit applied. */
    public static Map<String, String> of(RateLimitStatus status) {
        Map<String, String> headers = new LinkedHashMap<>();
        status.requests().ifPresent(r -> {
            headers.put(LIMIT_REQUESTS, Long.toString(r.limit()));
            headers.put(REMAINING_REQUESTS, Long.toString(r.remaining()));
            headers.put(RESET_REQUESTS, duration(r.reset()));
        });
        status.tokens().ifPresent(t -> {
            headers.put(LIMIT_TOKENS, Long.toString(t.limit()));
            headers.put(REMAINING_TOKENS, Long.toString(t.remaining()));
            headers.put(RESET_TOKENS, duration(t.reset()));
        });
        return headers;
    }

    /**
     * {@code d} rounded up to the millisecond: {@code 0s}; under a second in {@code ms}; otherwise hours, minutes and
     * seconds with up to three decimals ({@code 1h0m0s}, {@code 6m0s}, {@code 59.999s}).
     */
    public static String duration(Duration d) {
        long millis = Math.ceilDiv(d.toNanos(), 1_000_000L);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(seconds);
        if (fraction > 0) {
            // three digits, trailing zeros dropped (on every response: no String.format, no regex)
            text.append('.').append((char) ('0' + fraction / 100));
            if (fraction % 100 > 0) {
                text.append((char) ('0' + fraction / 10 % 10));
                if (fraction % 10 > 0) {
                    text.append((char) ('0' + fraction % 10));
                }
            }
        }
        return text.append('s').toString();
    }
}
