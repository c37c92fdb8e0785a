package dev.gemgate.app;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters' label sets: bounded whatever model names callers send. */
class MicrometerRequestMetricsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final TenantId ALICE = new TenantId(UUID.randomUUID());
    private static final TenantId BOB = new TenantId(UUID.randomUUID());

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final PricingCatalog catalog = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.075");

    @Test
    void aModelTheCatalogDoesNotPriceIsRecordedAsUnknownSoMadeUpNamesShareOneLabelSet() {
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(registry, catalog, false, new AuthFailureMetrics(new SimpleMeterRegistry()));
        for (int i = 0; i < 30; i++) {
            metrics.record(event(ALICE, "made-up-" + i, Outcome.NOT_FOUND));
        }

        assertThat(registry.find("gemgate.requests").counters()).singleElement().satisfies(c -> {
            assertThat(c.getId().getTag("model")).isEqualTo("unknown");
            assertThat(c.count()).isEqualTo(30);
        });
        assertThat(registry.find("gemgate.errors").counters()).hasSize(1);
        assertThat(registry.find("gemgate.request.duration").timers()).hasSize(1);
        assertThat(registry.find("gemgate.tokens").counters()).hasSize(4);
        assertThat(registry.find("gemgate.cost.microdollars").counters()).hasSize(1);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("model")).isEqualTo("unknown"));
    }

    @Test
    void aServedModelKeepsItsName() {
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(registry, catalog, false, new AuthFailureMetrics(new SimpleMeterRegistry()));
        metrics.record(event(ALICE, "gemini-2.5-flash", Outcome.SUCCESS));

        Counter requests = registry.get("gemgate.requests").counter();
        assertThat(requests.getId().getTag("model")).isEqualTo("gemini-2.5-flash");
        assertThat(requests.getId().getTag("tenant")).isEqualTo(ALICE.toString());
        assertThat(requests.getId().getTag("operation")).isEqualTo("generate_content");
        assertThat(requests.getId().getTag("outcome")).isEqualTo("success");
        assertThat(registry.get("gemgate.tokens").tag("kind", "output").counter().count()).isEqualTo(7);
    }

    @Test
    void aModelPricedOnlyFromALaterDateIsUnknownBeforeThen() {
        InMemoryPricingCatalog scheduled = new InMemoryPricingCatalog();
        TokenRate rate = TokenRate.dollarsPerMillion("1");
        scheduled.add(new ModelPrice(ModelId.parse("gemini-9-preview"), NOW.plusSeconds(3600), rate, rate, rate,
                Optional.empty()));
        new MicrometerRequestMetrics(registry, scheduled, false, new AuthFailureMetrics(new SimpleMeterRegistry())).record(event(ALICE, "gemini-9-preview",
                Outcome.NOT_FOUND));

        assertThat(registry.get("gemgate.requests").counter().getId().getTag("model")).isEqualTo("unknown");
    }

    @Test
    void aCatalogThatCannotBeReadLabelsTheModelUnknown() {
        PricingCatalog broken = new PricingCatalog() {
            @Override
            public Optional<ModelPrice> priceAt(ModelId model, Instant at) {
                throw new IllegalStateException("database unreachable");
            }

            @Override
            public List<ModelPrice> allAt(Instant at) {
                throw new IllegalStateException("database unreachable");
            }
        };
        new MicrometerRequestMetrics(registry, broken, false, new AuthFailureMetrics(new SimpleMeterRegistry())).record(event(ALICE, "made-up", Outcome.NOT_FOUND));

        assertThat(registry.get("gemgate.requests").counter().getId().getTag("model")).isEqualTo("unknown");
    }

    @Test
    void byDefaultThePercentileHistogramIsPerModelAndSharedByTenants() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(prometheus, catalog, false, new AuthFailureMetrics(new SimpleMeterRegistry()));
        metrics.record(event(ALICE, "gemini-2.5-flash", Outcome.SUCCESS));
        metrics.record(event(BOB, "gemini-2.5-flash", Outcome.SUCCESS));

        assertThat(prometheus.find("gemgate.requests").counters()).hasSize(2);
        assertThat(prometheus.find("gemgate.request.duration").timers()).singleElement().satisfies(t -> {
            assertThat(t.getId().getTag("tenant")).isNull();
            assertThat(t.getId().getTag("model")).isEqualTo("gemini-2.5-flash");
            assertThat(t.count()).isEqualTo(2);
        });
        List<String> buckets = prometheus.scrape().lines()
                .filter(l -> l.startsWith("gemgate_request_duration_seconds_bucket")).toList();
        assertThat(buckets).hasSizeGreaterThan(10)
                .allSatisfy(l -> assertThat(l).contains("model=\"gemini-2.5-flash\"").doesNotContain("tenant="));
    }

    @Test
    void perTenantHistogramsAreASwitch() {
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(registry, catalog, true, new AuthFailureMetrics(new SimpleMeterRegistry()));
        metrics.record(event(ALICE, "gemini-2.5-flash", Outcome.SUCCESS));
        metrics.record(event(BOB, "gemini-2.5-flash", Outcome.SUCCESS));

        assertThat(registry.find("gemgate.request.duration").timers())
                .extracting(t -> t.getId().getTag("tenant"))
                .containsExactlyInAnyOrder(ALICE.toString(), BOB.toString());
    }

    @Test
    void errorsAreCountedOnlyUnderErrorOutcomes() {
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(registry, catalog, false, new AuthFailureMetrics(new SimpleMeterRegistry()));
        metrics.record(event(ALICE, "gemini-2.5-flash", Outcome.SUCCESS));
        metrics.record(event(ALICE, "gemini-2.5-flash", Outcome.UPSTREAM_ERROR));

        assertThat(registry.find("gemgate.errors").counters()).singleElement()
                .satisfies(c -> assertThat(c.getId().getTag("outcome")).isEqualTo("upstream_error"));
    }

    @Test
    void tokensAreCountedByClassPromptWithoutCachedAndOutputWithoutThinking() {
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(registry, catalog, false, new AuthFailureMetrics(new SimpleMeterRegistry()));
        metrics.record(event(ALICE, "gemini-2.5-flash", Outcome.SUCCESS, new Usage(100, 7, 40, 30)));

        assertThat(registry.get("gemgate.tokens").tag("kind", "prompt").counter().count()).isEqualTo(70);
        assertThat(registry.get("gemgate.tokens").tag("kind", "cached").counter().count()).isEqualTo(30);
        assertThat(registry.get("gemgate.tokens").tag("kind", "output").counter().count()).isEqualTo(7);
        assertThat(registry.get("gemgate.tokens").tag("kind", "thinking").counter().count()).isEqualTo(40);
    }

    @Test
    void aStreamsTimeToFirstChunkIsAFixedBucketHistogramPerServedModelAndUnknownForOthers() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerRequestMetrics metrics = new MicrometerRequestMetrics(prometheus, catalog, false, new AuthFailureMetrics(new SimpleMeterRegistry()));
        metrics.firstChunk(ModelId.parse("gemini-2.5-flash"), NOW, Duration.ofMillis(180));
        metrics.firstChunk(ModelId.parse("gemini-2.5-flash"), NOW, Duration.ofMillis(700));
        for (int i = 0; i < 5; i++) {
            metrics.firstChunk(ModelId.parse("made-up-" + i), NOW, Duration.ofMillis(10));
        }

        assertThat(prometheus.find("gemgate.stream.first.chunk").timers())
                .extracting(t -> t.getId().getTag("model")).containsExactlyInAnyOrder("gemini-2.5-flash", "unknown");
        String scrape = prometheus.scrape();
        assertThat(scrape).contains("gemgate_stream_first_chunk_seconds_bucket{model=\"gemini-2.5-flash\",le=\"0.25\",} 1.0")
                .contains("gemgate_stream_first_chunk_seconds_bucket{model=\"gemini-2.5-flash\",le=\"1.0\",} 2.0")
                .contains("gemgate_stream_first_chunk_seconds_count{model=\"unknown\",} 5.0");
        assertThat(scrape.lines().filter(l -> l.startsWith("gemgate_stream_first_chunk_seconds_bucket"))).hasSize(22);
    }

    private static AuditEvent event(TenantId tenant, String model, Outcome outcome) {
        return event(tenant, model, outcome, outcome.isSuccess() ? new Usage(5, 7, 0, 0) : Usage.NONE);
    }

    private static AuditEvent event(TenantId tenant, String model, Outcome outcome, Usage usage) {
        return new AuditEvent(UUID.randomUUID(), NOW, AuditEventType.GENERATE_CONTENT, new RequestId("r-1"),
                Optional.empty(), Optional.of(tenant), Optional.of(new ApiKeyId(UUID.randomUUID())), "key",
                Optional.of(ModelId.parse(model)),
                usage, outcome.isSuccess() ? Money.ofMicros(10) : Money.ZERO, Duration.ofMillis(12), outcome,
                Optional.empty(), "");
    }
}
