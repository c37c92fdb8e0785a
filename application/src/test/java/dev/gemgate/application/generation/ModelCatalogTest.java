package dev.gemgate.application.generation;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.ServiceUnavailableException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCatalogTest {
    private static final Duration PERIOD = Duration.ofMinutes(5);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final Caller UNRESTRICTED = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));

    private final MutableClock clock = MutableClock.at("2026-11-29T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03")
            .add("gemini-2.5-pro", "1.25", "10.00", "0.31");
    private final UpstreamModels upstream = new UpstreamModels("gemini-2.5-flash", "gemini-2.5-pro",
            "gemini-9-unpriced");
    /** Background refreshes wait here until the test runs them, so a test sees what a read returns meanwhile. */
    private final Deque<Runnable> backgroundWork = new ArrayDeque<>();
    private final ModelCatalog catalog = new ModelCatalog(pricing, FixedUpstreamKeyVault.withTestKey(), upstream, clock,
            Duration.ofSeconds(30), PERIOD, RETRY_AFTER, backgroundWork::add);

    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private final Admission admission = admission(quota);

    private Admission admission(CountingQuotaLimiter limiter) {
        return new Admission(limiter, InMemoryBudgetLedger.noBudgets(),
                new RequestRecorder(new InMemoryAuditLog(), new RequestMetrics() {
                    @Override
                    public void record(AuditEvent event) {
                    }

                    @Override
                    public void authenticationFailed(String reason) {
                    }
                }), new SequentialIdGenerator(), clock);
    }

    private static List<String> names(List<ModelInfo> models) {
        return models.stream().map(m -> m.id().value()).toList();
    }

    private void runBackgroundWork() {
        while (!backgroundWork.isEmpty()) {
            backgroundWork.poll().run();
        }
    }

    @Test
    void servesTheUpstreamsModelsThatThePricingCatalogPricesByName() {
        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(catalog.find(ModelId.parse("gemini-2.5-pro"))).isPresent();
        assertThat(catalog.find(ModelId.parse("gemini-9-unpriced"))).isEmpty();
    }

    @Test
    void aPricedModelTheUpstreamDoesNotListIsNotServed() {
        pricing.add("gemini-4-argon", "2.00", "10.00", "0.10");
        assertThat(names(catalog.served())).doesNotContain("gemini-4-argon");
        assertThat(catalog.find(ModelId.parse("gemini-4-argon"))).isEmpty();
    }

    @Test
    void theIntersectionFollowsThePricesInForceAtEachRead() {
        pricing.add(new ModelPrice(ModelId.parse("gemini-9-unpriced"), Instant.parse("2026-12-01T00:00:00Z"),
                TokenRate.dollarsPerMillion("1"), TokenRate.dollarsPerMillion("2"), TokenRate.dollarsPerMillion("0.1"),
                Optional.empty()));
        assertThat(names(catalog.served())).doesNotContain("gemini-9-unpriced");

        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(names(catalog.served())).contains("gemini-9-unpriced");
        assertThat(catalog.find(ModelId.parse("gemini-9-unpriced"))).isPresent();
    }

    @Test
    void manyReadsWithinAPeriodAskTheUpstreamOnce() {
        for (int i = 0; i < 50; i++) {
            catalog.served();
            catalog.find(ModelId.parse("gemini-2.5-flash"));
            clock.advance(Duration.ofSeconds(5)); // 250 s in all: under the 5-minute period
        }
        runBackgroundWork();
        assertThat(upstream.lists.get()).isEqualTo(1);
    }

    @Test
    void aModelNobodyPricesNeverCausesAnUpstreamCall() {
        assertThat(catalog.find(ModelId.parse("gemini-9-unpriced"))).isEmpty();
        assertThat(upstream.lists.get()).isZero();
    }

    @Test
    void afterThePeriodAReadAnswersFromTheHeldListAndRefreshesInTheBackground() {
        catalog.served();
        upstream.models("gemini-2.5-flash"); // the upstream dropped gemini-2.5-pro
        clock.advance(PERIOD);

        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(backgroundWork).hasSize(1); // one refresh, however many reads
        assertThat(upstream.lists.get()).isEqualTo(1);
        assertThat(catalog.status().refreshing()).isTrue();

        runBackgroundWork();
        assertThat(catalog.status().refreshing()).isFalse();
        assertThat(upstream.lists.get()).isEqualTo(2);
        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash");
        assertThat(catalog.find(ModelId.parse("gemini-2.5-pro"))).isEmpty();
        assertThat(backgroundWork).isEmpty();
    }

    @Test
    void anUpstreamOutageKeepsServingTheLastGoodListAndRetriesOncePerPeriod() {
        catalog.served();
        for (int period = 0; period < 3; period++) {
            clock.advance(PERIOD);
            upstream.failNext(new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503, "service unavailable"));
            for (int i = 0; i < 10; i++) {
                assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
                runBackgroundWork();
            }
        }
        assertThat(upstream.lists.get()).isEqualTo(1 + 3);
        ModelCatalog.Status status = catalog.status();
        assertThat(status.lastAttemptFailed()).isTrue();
        assertThat(status.fetchedAt()).contains(Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(status.lastAttempt()).contains(Instant.parse("2026-11-29T10:15:00Z"));
        assertThat(status.upstreamModels()).isEqualTo(3);

        upstream.models("gemini-2.5-flash");
        clock.advance(PERIOD);
        catalog.served();
        runBackgroundWork();
        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash");
        assertThat(catalog.status().lastAttemptFailed()).isFalse();
    }

    @Test
    void anUnexpectedFailureOfARefreshAlsoKeepsTheList() {
        catalog.served();
        clock.advance(PERIOD);
        upstream.failNext(new IllegalStateException("a bug in an adapter"));
        catalog.served();
        runBackgroundWork();
        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
    }

    @Test
    void beforeTheUpstreamFirstAnswersReadsAre503WithRetryAfterAndDoNotHammerIt() {
        upstream.failNext(new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503, "down"));
        assertThatThrownBy(catalog::served).isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
            assertThat(e.retryAfter()).isEqualTo(RETRY_AFTER);
            assertThat(e.getMessage()).contains("no model list yet").contains("UNAVAILABLE").contains("10s");
        });
        clock.advance(Duration.ofSeconds(4));
        assertThatThrownBy(() -> catalog.find(ModelId.parse("gemini-2.5-flash")))
                .isInstanceOfSatisfying(ServiceUnavailableException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(6)));
        assertThat(upstream.lists.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(6));
        assertThat(names(catalog.served())).containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(upstream.lists.get()).isEqualTo(2);
    }

    @Test
    void concurrentFirstReadsShareOneUpstreamCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        upstream.blockUntil(release);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<ModelInfo>>> reads = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                reads.add(readers.submit(catalog::served));
            }
            upstream.awaitFirstCall();
            release.countDown();
            for (Future<List<ModelInfo>> read : reads) {
                assertThat(names(read.get(10, TimeUnit.SECONDS))).containsExactly("gemini-2.5-flash",
                        "gemini-2.5-pro");
            }
        }
        assertThat(upstream.lists.get()).isEqualTo(1);
    }

    @Test
    void aClockPutBackDoesNotPostponeTheNextRefreshByTheJump() {
        clock.advance(Duration.ofHours(2));
        catalog.served();
        clock.advance(Duration.ofHours(-2));
        catalog.served();
        runBackgroundWork();
        assertThat(upstream.lists.get()).isEqualTo(2);
        catalog.served();
        runBackgroundWork();
        assertThat(upstream.lists.get()).isEqualTo(2);
    }

    @Test
    void theUpstreamsOwnFieldsAreKept() {
        Map<String, Object> google = new LinkedHashMap<>();
        google.put("name", "models/gemini-2.5-flash");
        google.put("version", "2.5");
        google.put("thinking", true);
        google.put("maxTemperature", 2.0);
        upstream.models(List.of(new ModelInfo(ModelId.parse("gemini-2.5-flash"), "Gemini 2.5 Flash", 1_048_576,
                65_536, List.of("generateContent"), google)));
        assertThat(catalog.find(ModelId.parse("gemini-2.5-flash")).orElseThrow().upstreamFields())
                .containsEntry("version", "2.5").containsEntry("thinking", true).containsEntry("maxTemperature", 2.0);
    }

    @Test
    void listModelsShowsAScopedKeyOnlyItsModels() {
        Caller scoped = scopedTo("gemini-2.5-pro");
        assertThat(names(new ListModels(catalog, admission).execute(new ListModels.Query(scoped)).models()))
                .containsExactly("gemini-2.5-pro");
        assertThat(names(new ListModels(catalog, admission).execute(new ListModels.Query(scopedTo("gemini-2.*"))).models()))
                .containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
        assertThat(names(new ListModels(catalog, admission).execute(new ListModels.Query(UNRESTRICTED)).models()))
                .containsExactly("gemini-2.5-flash", "gemini-2.5-pro");
    }

    @Test
    void getModelRefusesAModelOutsideTheScopeAsGenerateDoesAndBeforeAnythingElse() {
        GetModel getModel = new GetModel(catalog, admission);
        Caller scoped = scopedTo("gemini-2.5-pro");
        assertThat(getModel.execute(new GetModel.Query(scoped, ModelId.parse("gemini-2.5-pro"))).model().id().value())
                .isEqualTo("gemini-2.5-pro");
        assertThatThrownBy(() -> getModel.execute(new GetModel.Query(scoped, ModelId.parse("gemini-2.5-flash"))))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("This API key may not use models/gemini-2.5-flash; its scope allows gemini-2.5-pro.");
        // even a model nobody serves: a scoped key learns nothing about other models
        assertThatThrownBy(() -> getModel.execute(new GetModel.Query(scoped, ModelId.parse("gemini-0-nothing"))))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void everyModelReadInScopeIsOneRequestOfTheCallerWithoutModelOrTokens() {
        new ListModels(catalog, admission).execute(new ListModels.Query(UNRESTRICTED));
        GetModel getModel = new GetModel(catalog, admission);
        getModel.execute(new GetModel.Query(UNRESTRICTED, ModelId.parse("gemini-2.5-pro")));
        assertThatThrownBy(() -> getModel.execute(new GetModel.Query(UNRESTRICTED, ModelId.parse("gemini-4-none"))))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> getModel.execute(new GetModel.Query(scopedTo("gemini-2.5-pro"),
                ModelId.parse("gemini-2.5-flash")))).isInstanceOf(PermissionDeniedException.class);

        assertThat(quota.admitted).hasSize(3).allSatisfy(q -> {
            assertThat(q.apiKey()).isEqualTo(UNRESTRICTED.apiKey());
            assertThat(q.model()).isEmpty();
            assertThat(q.requests()).isEqualTo(1);
            assertThat(q.tokens()).isZero();
        });
    }

    @Test
    void aModelReadOverTheCallersRequestLimitIsRefused() {
        Admission exhausted = admission(new CountingQuotaLimiter(0, Duration.ofSeconds(7)));

        assertThatThrownBy(() -> new ListModels(catalog, exhausted).execute(new ListModels.Query(UNRESTRICTED)))
                .isInstanceOfSatisfying(LimitExceededException.class, e ->
                        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));
        assertThatThrownBy(() -> new GetModel(catalog, exhausted).execute(new GetModel.Query(UNRESTRICTED,
                ModelId.parse("gemini-2.5-pro")))).isInstanceOf(LimitExceededException.class);
        assertThat(upstream.lists.get()).isZero();
    }

    @Test
    void getModelIs404ForAnUnpricedOrUnlistedModel() {
        GetModel getModel = new GetModel(catalog, admission);
        pricing.add("gemini-4-argon", "2.00", "10.00", "0.10");
        assertThatThrownBy(() -> getModel.execute(new GetModel.Query(UNRESTRICTED, ModelId.parse("gemini-9-unpriced"))))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("models/gemini-9-unpriced");
        assertThatThrownBy(() -> getModel.execute(new GetModel.Query(UNRESTRICTED, ModelId.parse("gemini-4-argon"))))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("models/gemini-4-argon");
    }

    private static Caller scopedTo(String... models) {
        return new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 3)),
                KeyScopes.parse(List.of(models), List.of(), List.of()));
    }

    /** An upstream that only lists models: counts the lists, fails them as scripted, may hold the first one. */
    private static final class UpstreamModels implements GenerationPort {
        final AtomicInteger lists = new AtomicInteger();
        private volatile List<ModelInfo> models;
        private final Deque<RuntimeException> failures = new java.util.concurrent.ConcurrentLinkedDeque<>();
        private volatile CountDownLatch holdUntil;
        private final CountDownLatch called = new CountDownLatch(1);

        UpstreamModels(String... names) {
            models(names);
        }

        void models(String... names) {
            models(java.util.Arrays.stream(names).map(n -> new ModelInfo(ModelId.parse(n), n, 1_048_576, 65_536,
                    List.of("generateContent", "countTokens"))).toList());
        }

        void models(List<ModelInfo> models) {
            this.models = models;
        }

        void failNext(RuntimeException failure) {
            failures.add(failure);
        }

        void blockUntil(CountDownLatch latch) {
            holdUntil = latch;
        }

        void awaitFirstCall() throws InterruptedException {
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
            lists.incrementAndGet();
            called.countDown();
            CountDownLatch hold = holdUntil;
            if (hold != null) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            RuntimeException failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
            return models;
        }

        @Override
        public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential,
                                           Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stream(GenerationRequest request, UpstreamCredential credential,
                           dev.gemgate.domain.generation.StreamLimits limits,
                           dev.gemgate.domain.generation.Cancellation cancellation, StreamObserver observer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
            throw new UnsupportedOperationException("the catalog answers gets from its list");
        }
    }
}
