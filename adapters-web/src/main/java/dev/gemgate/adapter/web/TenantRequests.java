package dev.gemgate.adapter.web;

import dev.gemgate.application.generation.CacheDirective;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.budget.EndUserName;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * What every tenant API surface reads from a request the same way, whatever its body's format: the request context
 * (caller, ids, end user, deadline), {@code Cache-Control}, and the hop from the event loop (where the body was read) to
 * a virtual thread for the blocking use case. Shared by the Gemini-native and the OpenAI-compatible surfaces.
 */
public final class TenantRequests {
    /** The tenant's end user, to whom an end-user budget may apply. */
    public static final String END_USER_HEADER = "x-gemgate-user";
    /** The model that answered: the one asked for, or the fallback that served when it could not. */
    public static final String SERVED_MODEL_HEADER = "x-gemgate-served-model";
    /** Whether the response cache answered: {@code hit}, {@code miss} or {@code bypass}. */
    public static final String CACHE_HEADER = "x-gemgate-cache";
    /** The caller's timeout in seconds, sent by Google's SDKs when one is set: how long it waits for the answer. */
    public static final String SERVER_TIMEOUT_HEADER = "X-Server-Timeout";
    private static final BigDecimal MAX_SERVER_TIMEOUT_SECONDS = BigDecimal.valueOf(86_400);

    private TenantRequests() {
    }

    /** The request's context, with {@code endUser} already read by the surface's own rule. */
    public static RequestContext context(ContainerRequestContext request, Caller caller, Optional<String> endUser,
                                         Clock clock) {
        return new RequestContext(caller, RequestIdFilter.of(request), RequestIdFilter.correlationOf(request), endUser,
                deadline(request.getHeaderString(SERVER_TIMEOUT_HEADER), clock));
    }

    /**
     * {@code X-Server-Timeout: <seconds>} (whole or decimal, as Google's SDKs send it) as a deadline from now: a request
     * that would have to wait for admission longer than that is refused at once instead. Absent: no deadline.
     */
    public static Optional<Instant> deadline(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            BigDecimal seconds = new BigDecimal(header.strip());
            if (seconds.signum() > 0 && seconds.compareTo(MAX_SERVER_TIMEOUT_SECONDS) <= 0) {
                long nanos = seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
                return Optional.of(clock.instant().plusNanos(nanos));
            }
        } catch (NumberFormatException | ArithmeticException ignored) {
            // fall through to the refusal
        }
        throw new InvalidRequestException(SERVER_TIMEOUT_HEADER + " must be a number of seconds above 0 and at most "
                + MAX_SERVER_TIMEOUT_SECONDS + ".");
    }

    /** The end user the header names, by the rule an end-user budget's name follows too ({@link EndUserName}). */
    public static Optional<String> endUserHeader(String header) {
        try {
            return EndUserName.parse(header);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(END_USER_HEADER + " " + e.getMessage() + ".");
        }
    }

    /**
     * The end user of a request whose body may name one too (OpenAI's {@code user}): either may be sent, both only if
     * they agree, so that a budget is never charged to the wrong end user.
     */
    public static Optional<String> endUser(Optional<String> fromBody, String header) {
        Optional<String> fromHeader = endUserHeader(header);
        if (fromBody.isPresent() && fromHeader.isPresent() && !fromBody.equals(fromHeader)) {
            throw InvalidRequestException.forField("user", "names another end user than the " + END_USER_HEADER
                    + " header; send one, or the same in both.");
        }
        return fromBody.isPresent() ? fromBody : fromHeader;
    }

    /** {@code Cache-Control}: {@code no-store} neither reads nor writes the cache, {@code no-cache} only skips reading. */
    public static CacheDirective cacheDirective(String cacheControl) {
        if (cacheControl == null) {
            return CacheDirective.DEFAULT;
        }
        String value = cacheControl.toLowerCase();
        if (value.contains("no-store")) {
            return CacheDirective.NO_STORE;
        }
        return value.contains("no-cache") ? CacheDirective.BYPASS : CacheDirective.DEFAULT;
    }

    /**
     * Runs {@code work} once on a virtual thread, with the request and tenant ids in the log context: the body was read
     * on the event loop, the use case blocks.
     */
    public static <T> Uni<T> onVirtualThread(ContainerRequestContext request, Caller caller,
                                             ExecutorService virtualThreads, Supplier<T> work) {
        String requestId = RequestIdFilter.of(request).value();
        String tenantId = caller.tenant().toString();
        return Uni.createFrom().item(() -> {
            MDC.put("requestId", requestId);
            MDC.put("tenantId", tenantId);
            try {
                return work.get();
            } finally {
                MDC.remove("requestId");
                MDC.remove("tenantId");
            }
        }).runSubscriptionOn(virtualThreads);
    }

    /** The {@code x-ratelimit-*} headers of an admitted request ({@link RateLimitHeaders}). */
    public static Response.ResponseBuilder withRateLimits(Response.ResponseBuilder response, RateLimitStatus status) {
        RateLimitHeaders.of(status).forEach(response::header);
        return response;
    }
}
