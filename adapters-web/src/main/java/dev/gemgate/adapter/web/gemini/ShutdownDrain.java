package dev.gemgate.adapter.web.gemini;

import dev.gemgate.adapter.web.RequestIds;
import dev.gemgate.adapter.web.openai.OpenAiError;
import dev.gemgate.adapter.web.openai.OpenAiErrors;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.RequestId;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stops admitting requests when the instance shuts down, so that a drain ends instead of being refilled.
 *
 * <p>Quarkus does the rest of a graceful shutdown (configured in the application): on SIGTERM readiness reports DOWN
 * for {@code quarkus.shutdown.delay} while requests are still served (the load balancer needs that long to stop
 * sending any), then it waits up to {@code quarkus.shutdown.timeout} for the requests in flight before it closes
 * anything. Quarkus 3.33 itself keeps accepting new requests during that wait; this filter answers them, from the end
 * of the delay on, with 503 UNAVAILABLE in Gemini's envelope (OpenAI's on the OpenAI surface's paths),
 * {@code Retry-After} and {@code Connection: close}, without reading their bodies. Health and metrics ({@code /q/...}) stay answered. Until a shutdown begins the filter costs one
 * volatile read per request.
 */
@ApplicationScoped
public class ShutdownDrain {
    /** Before Gemgate's other filters: a refused request costs nothing else. */
    static final int FILTER_PRIORITY = 10_000;
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final Clock clock;
    private final IdGenerator ids;
    private final Duration delay;
    private final String nonApplicationPrefix;
    private volatile Instant refusingFrom;

    @Inject
    public ShutdownDrain(Clock clock, IdGenerator ids,
                         @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
                         @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q")
                         String nonApplicationRootPath) {
        this.clock = clock;
        this.ids = ids;
        this.delay = delay.filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        String trimmed = nonApplicationRootPath.replaceAll("^/+|/+$", "");
        this.nonApplicationPrefix = trimmed.isEmpty() ? null : "/" + trimmed + "/";
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shutdownBegan();
    }

    /** The shutdown has begun: requests are still admitted until the delay is over, then refused. */
    public void shutdownBegan() {
        if (refusingFrom == null) {
            refusingFrom = clock.instant().plus(delay);
            LOG.infof("Shutting down: readiness is DOWN; new requests are refused with 503 after %d ms "
                    + "(quarkus.shutdown.delay), requests in flight finish within quarkus.shutdown.timeout",
                    delay.toMillis());
        }
    }

    /** Whether a request arriving now is served. */
    public boolean admitsNewRequests() {
        Instant from = refusingFrom;
        return from == null || clock.instant().isBefore(from);
    }

    /** Whether {@code path} is Quarkus's own (health, metrics), which stays answered while draining. */
    boolean isNonApplication(String path) {
        return nonApplicationPrefix != null && path != null && path.startsWith(nonApplicationPrefix);
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, FILTER_PRIORITY);
    }

    void filter(RoutingContext context) {
        if (refusingFrom == null || admitsNewRequests() || isNonApplication(context.normalizedPath())) {
            context.next();
            return;
        }
        RequestId id = ids.newRequestId();
        String correlation = RequestIds.correlation(context.request().getHeader(RequestIds.HEADER)).orElse(id.value());
        GeminiError error = refusal();
        context.response()
                .setStatusCode(error.httpStatus())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds().orElseThrow()))
                .putHeader(RequestIds.SERVER_HEADER, id.value())
                .putHeader(RequestIds.HEADER, correlation)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Buffer.buffer(GeminiJson.write(OpenAiErrors.covers(context.normalizedPath(), null)
                        ? OpenAiError.simple(503, error.message(), OpenAiError.SERVER_ERROR, "service_unavailable")
                                .envelope()
                        : error.envelope(id))));
    }

    static GeminiError refusal() {
        return new GeminiError(503, "UNAVAILABLE",
                "This Gemgate instance is shutting down and accepts no new requests; retry, another instance will "
                        + "answer.", Optional.of(RETRY_AFTER), List.of());
    }
}
