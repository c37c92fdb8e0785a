package dev.gemgate.app;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus meters by operation, tenant, model and outcome: {@code gemgate_requests_total},
 * {@code gemgate_errors_total}, {@code gemgate_request_duration_seconds} (with a histogram for p50/p99),
 * {@code gemgate_tokens_total} by kind, and {@code gemgate_cost_microdollars_total}. Meters are looked up once per
 * label set and kept, so recording is a map hit and an add.
 */
@ApplicationScoped
public class MicrometerRequestMetrics implements RequestMetrics {
    private record Labels(String operation, String tenant, String model, Outcome outcome) {
    }

    private record Meters(Counter requests, Counter errors, Timer duration, Counter promptTokens,
                          Counter outputTokens, Counter cachedTokens, Counter cost) {
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Labels, Meters> meters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> authFailures = new ConcurrentHashMap<>();

    public MicrometerRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void record(AuditEvent event) {
        Labels labels = new Labels(event.type().name().toLowerCase(),
                event.tenant().map(Object::toString).orElse("none"),
                event.model().map(Object::toString).orElse("none"),
                event.outcome());
        Meters m = meters.computeIfAbsent(labels, this::create);
        m.requests().increment();
        if (m.errors() != null) {
            m.errors().increment();
        }
        m.duration().record(event.latency());
        m.promptTokens().increment(event.usage().promptTokens() - event.usage().cachedTokens());
        m.cachedTokens().increment(event.usage().cachedTokens());
        m.outputTokens().increment(event.usage().outputTokens());
        m.cost().increment(event.cost().micros());
    }

    @Override
    public void authenticationFailed(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("gemgate.auth.failures")
                .description("Refused tenant authentications").tag("reason", r).register(registry)).increment();
    }

    private Meters create(Labels l) {
        Tags tags = Tags.of("operation", l.operation(), "tenant", l.tenant(), "model", l.model(),
                "outcome", l.outcome().name().toLowerCase());
        Tags usageTags = Tags.of("tenant", l.tenant(), "model", l.model());
        return new Meters(
                Counter.builder("gemgate.requests").description("Gateway requests").tags(tags).register(registry),
                // only for outcomes that are errors: no error series with a success label
                l.outcome().isSuccess() ? null : Counter.builder("gemgate.errors")
                        .description("Gateway requests that did not succeed").tags(tags).register(registry),
                Timer.builder("gemgate.request.duration").description("Time in the gateway, upstream included")
                        .tags(tags).publishPercentileHistogram().register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "prompt")
                        .register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "output")
                        .register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "cached")
                        .register(registry),
                Counter.builder("gemgate.cost.microdollars").description("Cost of upstream calls in micro-dollars")
                        .tags(usageTags).register(registry));
    }
}
