package dev.gemgate.application.generation;

import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAllowanceStore;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryResponseCache;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.LeasedQuotaLimiter;
import dev.gemgate.domain.quota.RateLimitPolicy;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The use cases against the leased limiter over an in-memory store: what each request costs, and what a refusal does. */
class RateLimitedRequestsTest {
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final String TENANT_TPM = "tenant:" + CALLER.tenant() + ":tpm";

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03")
            .add("gemini-embedding-001", "0.15", "0", "0.015");
    private final FakeGenerationPort upstream = new FakeGenerationPort(
            List.of("gemini-2.5-flash", "gemini-embedding-001"));
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final InMemoryAllowanceStore store = new InMemoryAllowanceStore();
    private LeasedQuotaLimiter limiter;

    private void limits(RateLimits tenant, RateLimits key) {
        limiter = new LeasedQuotaLimiter(new RateLimitPolicy(RateLimitSource.defaults(tenant, RateLimits.UNLIMITED, key)),
                store, new LeasedQuotaLimiter.Settings(0.1, Duration.ofSeconds(10)));
    }

    private Admission admission() {
        RequestMetrics metrics = new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        };
        return new Admission(limiter, InMemoryBudgetLedger.noBudgets(), new RequestRecorder(audit, metrics),
                new SequentialIdGenerator(), clock);
    }

    private static final RequestFingerprint FINGERPRINTS =
            new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));

    private UpstreamCalls upstreamCalls() {
        return UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(), upstream, pricing, clock,
                GenerationPolicy.defaults().upstreamTimeout());
    }

    private GenerateContent generate() {
        return new GenerateContent(pricing, new InMemoryResponseCache(), upstreamCalls(), admission(), FINGERPRINTS, clock, GenerationPolicy.defaults());
    }

    private StreamGenerateContent stream() {
        return new StreamGenerateContent(pricing, upstreamCalls(), admission(),
                FINGERPRINTS, clock, GenerationPolicy.defaults(), StreamPolicy.defaults());
    }

    private CountTokens countTokens() {
        return new CountTokens(pricing, upstreamCalls(), admission(), clock,
                GenerationPolicy.defaults());
    }

    private EmbedContent embed() {
        return new EmbedContent(pricing, upstreamCalls(), admission(), clock,
                GenerationPolicy.defaults());
    }

    private static RequestContext context() {
        return new RequestContext(CALLER, new RequestId("req-0001"), Optional.empty(), Optional.empty());
    }

    /** "Hello there": 4 prompt tokens; with maxOutputTokens 100 an estimate of 104; the emulated answer uses 10. */
    private static GenerationRequest hello() {
        return new GenerationRequest(ModelId.parse("gemini-2.5-flash"), Map.of(
                "contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "Hello there")))),
                "generationConfig", Map.of("maxOutputTokens", 100)));
    }

    private static EmbeddingRequest embedding() {
        return new EmbeddingRequest(ModelId.parse("gemini-embedding-001"), EmbeddingRequest.Method.EMBED_CONTENT,
                Map.of("content", Map.of("parts", List.of(Map.of("text", "Hello there")))), Optional.empty());
    }

    private GenerateContent.Result generateHello() {
        return generate().execute(new GenerateContent.Command(context(), hello(), CacheDirective.DEFAULT));
    }

    @Test
    void aGenerationCarriesItsStandingAndIsChargedItsActualTokens() {
        limits(RateLimits.UNLIMITED.withRequestsPerMinute(100).withTokensPerMinute(10_000),
                RateLimits.UNLIMITED.withRequestsPerMinute(10));

        GenerateContent.Result result = generateHello();

        assertThat(result.rateLimits().requests()).contains(new RateLimitStatus.Standing(10, 9, Duration.ofSeconds(6)));
        assertThat(result.rateLimits().tokens()).hasValueSatisfying(t -> assertThat(t.limit()).isEqualTo(10_000));
        // 104 estimated, 10 used: the bucket and this instance's slice together are short of exactly 10
        Bucket tpm = new Bucket(TENANT_TPM, Bucket.Shape.PER_MINUTE, 10_000);
        assertThat(store.available(tpm, clock.instant()) + limiter.held(TENANT_TPM)).isEqualTo(10_000 - 10);
    }

    @Test
    void theCallersKeyLimitRefusesBeforeTheUpstreamNamingTheLimitAndTheWait() {
        limits(RateLimits.UNLIMITED, RateLimits.UNLIMITED.withRequestsPerMinute(1));
        generateHello();

        assertThatThrownBy(this::generateHello).isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.kind()).isEqualTo(LimitExceededException.Kind.QUOTA);
            assertThat(e.limitName()).isEqualTo("RequestsPerMinutePerApiKey");
            assertThat(e.retryAfter()).contains(Duration.ofMinutes(1));
            assertThat(e.getMessage()).isEqualTo("Quota exceeded for RequestsPerMinutePerApiKey; retry in 60s.");
        });
        assertThat(upstream.received).hasSize(1);
        assertThat(audit.all()).extracting(AuditEvent::outcome).containsExactly(Outcome.SUCCESS, Outcome.QUOTA_REFUSED);
    }

    @Test
    void aRefusedStreamCountOrEmbeddingNeverReachesTheUpstream() {
        limits(RateLimits.UNLIMITED.withRequestsPerMinute(1), RateLimits.UNLIMITED);
        generateHello();
        List<StreamChunk> sent = new ArrayList<>();

        assertThatThrownBy(() -> stream().execute(new StreamGenerateContent.Command(context(), hello(),
                new Cancellation()), sink(sent, new ArrayList<>()))).isInstanceOf(LimitExceededException.class);
        assertThatThrownBy(() -> countTokens().execute(new CountTokens.Command(context(), hello())))
                .isInstanceOf(LimitExceededException.class);
        assertThatThrownBy(() -> embed().execute(new EmbedContent.Command(context(), embedding())))
                .isInstanceOf(LimitExceededException.class);

        assertThat(sent).isEmpty();
        assertThat(upstream.received).hasSize(1);
        assertThat(upstream.embedded).isEmpty();
        assertThat(audit.all()).extracting(AuditEvent::outcome).containsExactly(Outcome.SUCCESS,
                Outcome.QUOTA_REFUSED, Outcome.QUOTA_REFUSED, Outcome.QUOTA_REFUSED);
    }

    @Test
    void countTokensCostsOneRequestAndNoTokensWhateverItCounts() {
        limits(RateLimits.UNLIMITED.withRequestsPerMinute(10).withTokensPerMinute(1000), RateLimits.UNLIMITED);

        CountTokens.Result result = countTokens().execute(new CountTokens.Command(context(), hello()));

        assertThat(result.totalTokens()).isEqualTo(4);
        assertThat(result.rateLimits().requests()).hasValueSatisfying(r -> assertThat(r.remaining()).isEqualTo(9));
        Bucket tpm = new Bucket(TENANT_TPM, Bucket.Shape.PER_MINUTE, 1000);
        assertThat(store.available(tpm, clock.instant()) + limiter.held(TENANT_TPM)).isEqualTo(1000);
    }

    @Test
    void aStreamAndAnEmbeddingCarryTheirStandingToo() {
        limits(RateLimits.UNLIMITED.withRequestsPerMinute(100).withTokensPerMinute(10_000), RateLimits.UNLIMITED);
        List<StreamChunk> sent = new ArrayList<>();
        List<RateLimitStatus> admitted = new ArrayList<>();

        stream().execute(new StreamGenerateContent.Command(context(), hello(), new Cancellation()),
                sink(sent, admitted));
        EmbedContent.Result embedded = embed().execute(new EmbedContent.Command(context(), embedding()));

        assertThat(admitted).singleElement().satisfies(status -> {
            assertThat(status.requests()).hasValueSatisfying(r -> assertThat(r.limit()).isEqualTo(100));
            assertThat(status.tokens()).hasValueSatisfying(t -> assertThat(t.limit()).isEqualTo(10_000));
        });
        assertThat(sent).isNotEmpty();
        assertThat(embedded.rateLimits().requests()).hasValueSatisfying(r -> assertThat(r.remaining()).isEqualTo(98));
    }

    @Test
    void aRequestLargerThanTheTokenLimitIsRefusedForGoodWithoutARetryTime() {
        limits(RateLimits.UNLIMITED.withTokensPerMinute(50), RateLimits.UNLIMITED);

        assertThatThrownBy(this::generateHello).isInstanceOfSatisfying(LimitExceededException.class, e -> {
            assertThat(e.limitName()).isEqualTo("TokensPerMinutePerTenant");
            assertThat(e.retryAfter()).isEmpty();
            assertThat(e.getMessage()).contains("costs 104 against TokensPerMinutePerTenant, which allows 50")
                    .contains("can never be admitted");
        });
        assertThat(upstream.received).isEmpty();
        assertThat(store.takeCalls()).isZero();
    }

    private static StreamGenerateContent.ChunkSink sink(List<StreamChunk> sent, List<RateLimitStatus> admitted) {
        return new StreamGenerateContent.ChunkSink() {
            @Override
            public void admitted(RateLimitStatus rateLimits) {
                assertThat(sent).isEmpty();
                admitted.add(rateLimits);
            }

            @Override
            public boolean send(StreamChunk chunk) {
                sent.add(chunk);
                return true;
            }

            @Override
            public void complete() {
            }

            @Override
            public void fail(RuntimeException failure) {
            }
        };
    }
}
