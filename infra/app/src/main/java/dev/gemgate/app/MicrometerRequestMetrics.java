package dev.gemgate.app;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.PricingCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus meters by operation, tenant, model and outcome: {@code gemgate_requests_total},
 * {@code gemgate_errors_total}, {@code gemgate_request_duration_seconds} (with a histogram for p50/p99),
 * {@code gemgate_tokens_total} by kind (billed tokens: a response-cache hit's are not; {@code prompt} without the
 * {@code cached} part, {@code output} without the {@code thinking} part), {@code gemgate_cost_microdollars_total},
 * and {@code gemgate_cache_saved_usd_total} (what response-cache hits would have cost, by tenant and model); and
 * {@code gemgate_stream_first_chunk_seconds{model}}, a stream's time to its first forwarded chunk. Meters are looked up once per
 * label set and kept, so recording is a map hit and an add.
 *
 * <p>Every label is bounded, so no caller can grow the scrape by inventing names. The model label is the model's
 * name only when the pricing catalog (the allow-list of served models) knows it, {@code unknown} otherwise; the
 * operation and the outcome are enums; tenants are the ones an admin created. The percentile histogram (about 70 lines
 * per label set) is kept per operation, model and outcome, shared by all tenants, unless
 * {@code gemgate.metrics.per-tenant-histograms} asks for one per tenant as well.
 */
@ApplicationScoped
public class MicrometerRequestMetrics implements RequestMetrics {
    /** The model label of a model the catalog does not price: a name the caller made up, or one not served yet. */
    public static final String UNKNOWN_MODEL = "unknown";
    /** The tenant or model label of an event that has none (e.g. a model listing). */
    public static final String NONE = "none";

    private record Labels(AuditEventType operation, String tenant, String model, Outcome outcome) {
    }

    private record Meters(Counter requests, Counter errors, Timer duration, Counter promptTokens,
                          Counter outputTokens, Counter thinkingTokens, Counter cachedTokens, Counter cost,
                          Counter saved) {
    }

    /**
     * Round boundaries added to the percentile histogram's, so that latency SLOs can name a bucket ({@code le="10.0"}:
     * infra/observability/prometheus/gemgate-alerts.yml).
     */
    private static final Duration[] SLO_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    /**
     * The buckets of the streams' time to first chunk: a few fixed ones (not ~70 percentile buckets) per model, from
     * what a cached answer takes to what a long thinking model takes.
     */
    private static final Duration[] FIRST_CHUNK_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final PricingCatalog catalog;
    private final boolean perTenantHistograms;
    private final ConcurrentHashMap<Labels, Meters> meters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> firstChunk = new ConcurrentHashMap<>();
    private final AuthFailureMetrics authFailures;

    @Inject
    public MicrometerRequestMetrics(MeterRegistry registry, PricingCatalog catalog, GemgateConfig config,
                                    AuthFailureMetrics authFailures) {
        this(registry, catalog, config.metrics().perTenantHistograms(), authFailures);
    }

    MicrometerRequestMetrics(MeterRegistry registry, PricingCatalog catalog, boolean perTenantHistograms,
                             AuthFailureMetrics authFailures) {
        this.registry = registry;
        this.authFailures = authFailures;
        this.catalog = catalog;
        this.perTenantHistograms = perTenantHistograms;
    }

    @Override
    public void record(AuditEvent event) {
        Labels labels = new Labels(event.type(), event.tenant().map(Object::toString).orElse(NONE),
                modelLabel(event), event.outcome());
        Meters m = meters.computeIfAbsent(labels, this::create);
        m.requests().increment();
        if (m.errors() != null) {
            m.errors().increment();
        }
        m.duration().record(event.latency());
        if (m.saved() != null) {
            // a response-cache hit: its tokens were not billed; what it would have cost was saved
            m.saved().increment(event.saved().toDollars().doubleValue());
            return;
        }
        m.promptTokens().increment(event.usage().promptTokens() - event.usage().cachedTokens());
        m.cachedTokens().increment(event.usage().cachedTokens());
        m.outputTokens().increment(event.usage().candidatesTokens());
        m.thinkingTokens().increment(event.usage().thoughtsTokens());
        m.cost().increment(event.cost().micros());
    }

    @Override
    public void firstChunk(ModelId model, Instant at, Duration sinceStart) {
        String label = modelLabel(Optional.of(model), at);
        firstChunk.computeIfAbsent(label, l -> Timer.builder("gemgate.stream.first.chunk")
                .description("Time from a stream's arrival to its first chunk forwarded to the caller")
                .tag("model", l).serviceLevelObjectives(FIRST_CHUNK_BUCKETS).register(registry)).record(sinceStart);
    }

    @Override
    public void authenticationFailed(String reason) {
        authFailures.recordAuthFailure(reason);
    }

    /** The model's name when the catalog prices it at the time of the event, {@link #UNKNOWN_MODEL} otherwise. */
    private String modelLabel(AuditEvent event) {
        return modelLabel(event.model(), event.occurredAt());
    }

    private String modelLabel(Optional<ModelId> model, Instant at) {
        if (model.isEmpty()) {
            return NONE;
        }
        try {
            return catalog.priceAt(model.get(), at).isPresent() ? model.get().value() : UNKNOWN_MODEL;
        } catch (RuntimeException e) {
            // the catalog could not be read (no snapshot yet and no database): a made-up name must not get through
            return UNKNOWN_MODEL;
        }
    }

    private Meters create(Labels l) {
        String operation = l.operation().name().toLowerCase();
        String outcome = l.outcome().name().toLowerCase();
        Tags tags = Tags.of("operation", operation, "tenant", l.tenant(), "model", l.model(), "outcome", outcome);
        Tags histogramTags = perTenantHistograms ? tags
                : Tags.of("operation", operation, "model", l.model(), "outcome", outcome);
        Tags usageTags = Tags.of("tenant", l.tenant(), "model", l.model());
        return new Meters(
                Counter.builder("gemgate.requests").description("Gateway requests").tags(tags).register(registry),
                // only for outcomes that are errors: no error series with a success label
                l.outcome().isSuccess() ? null : Counter.builder("gemgate.errors")
                        .description("Gateway requests that did not succeed").tags(tags).register(registry),
                Timer.builder("gemgate.request.duration").description("Time in the gateway, upstream included")
                        .tags(histogramTags).publishPercentileHistogram().serviceLevelObjectives(SLO_BUCKETS)
                        .register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "prompt")
                        .register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "output")
                        .register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "thinking")
                        .register(registry),
                Counter.builder("gemgate.tokens").description("Tokens billed").tags(usageTags).tag("kind", "cached")
                        .register(registry),
                Counter.builder("gemgate.cost.microdollars").description("Cost of upstream calls in micro-dollars")
                        .tags(usageTags).register(registry),
                // only for cache hits: no saving series for the other outcomes
                l.outcome() != Outcome.CACHE_HIT ? null : Counter.builder("gemgate.cache.saved.usd")
                        .description("What requests answered from the response cache would have cost, in USD")
                        .tags(usageTags).register(registry));
    }
}
