package dev.gemgate.application.generation;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryResponseCache;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The response cache through the use cases (issue 17): which requests and answers are cached, TTLs, tenant isolation,
 * the Cache-Control directives, hits settled at zero through the one ticket, coalescing of identical requests in
 * flight, and streams served from and stored into the cache.
 */
class ResponseCacheTest {
    private static final TenantId TENANT_A = new TenantId(new UUID(1, 1));
    private static final TenantId TENANT_B = new TenantId(new UUID(1, 2));
    private static final Caller CALLER_A = new Caller(TENANT_A, new ApiKeyId(new UUID(2, 1)));
    private static final Caller CALLER_B = new Caller(TENANT_B, new ApiKeyId(new UUID(2, 2)));
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final RequestFingerprint FINGERPRINTS = new RequestFingerprint(
            "a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));
    private static final CachePolicy FIVE_MINUTES = new CachePolicy(Duration.ofMinutes(5), false);

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03");
    private final GatedPort port = new GatedPort(new FakeGenerationPort(List.of("gemini-2.5-flash")));
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final List<AuditEvent> metered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private final InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();
    private final InMemoryResponseCache cache = new InMemoryResponseCache();
    private final Map<TenantId, CachePolicy> policies = new ConcurrentHashMap<>(Map.of(TENANT_A, FIVE_MINUTES,
            TENANT_B, FIVE_MINUTES));
    private final ResponseCaching caching = new ResponseCaching(cache,
            tenant -> policies.getOrDefault(tenant, CachePolicy.OFF), FINGERPRINTS, clock);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger requestIds = new AtomicInteger();

    @AfterEach
    void stop() {
        port.open();
        threads.shutdownNow();
    }

    private Admission admission() {
        return new Admission(quota, ledger, new RequestRecorder(audit, new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
                metered.add(event);
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        }), new SequentialIdGenerator(), clock);
    }

    private UpstreamCalls upstream() {
        return UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(), port, pricing, clock, Duration.ofSeconds(30));
    }

    private GenerateContent generate() {
        return new GenerateContent(pricing, caching, upstream(), admission(), FINGERPRINTS, clock,
                GenerationPolicy.defaults());
    }

    private StreamGenerateContent stream() {
        return new StreamGenerateContent(pricing, caching, upstream(), admission(), FINGERPRINTS, clock,
                GenerationPolicy.defaults(), StreamPolicy.defaults());
    }

    private static Map<String, Object> body(String text, Object temperature) {
        Map<String, Object> config = new HashMap<>();
        config.put("maxOutputTokens", 100);
        if (temperature != null) {
            config.put("temperature", temperature);
        }
        return Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", text)))),
                "generationConfig", config);
    }

    private RequestContext context(Caller caller) {
        return new RequestContext(caller, new RequestId("req-" + requestIds.incrementAndGet()), Optional.empty(),
                Optional.empty());
    }

    private GenerateContent.Result call(Caller caller, Map<String, Object> body, CacheDirective directive) {
        return generate().execute(new GenerateContent.Command(context(caller), new GenerationRequest(FLASH, body),
                directive));
    }

    private GenerateContent.Result call(Caller caller, Map<String, Object> body) {
        return call(caller, body, CacheDirective.DEFAULT);
    }

    private List<Outcome> outcomes() {
        return audit.all().stream().map(AuditEvent::outcome).toList();
    }

    @Test
    void aDeterministicRequestMissesThenHitsCostingNothingAndSettledAsACacheHit() {
        GenerateContent.Result miss = call(CALLER_A, body("Hello there", 0));
        GenerateContent.Result hit = call(CALLER_A, body("Hello there", 0.0));

        assertThat(miss.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(hit.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.response().text()).isEqualTo("Echo: Hello there");
        assertThat(hit.cost()).isEqualTo(Money.ZERO);
        assertThat(port.calls.get()).isEqualTo(1);
        assertThat(outcomes()).containsExactly(Outcome.SUCCESS, Outcome.CACHE_HIT);
        AuditEvent hitEvent = audit.all().get(1);
        assertThat(hitEvent.cost()).isEqualTo(Money.ZERO);
        // what it would have cost: the stored answer's usage at today's price, the same as the miss paid
        assertThat(hitEvent.saved()).isEqualTo(miss.cost()).isEqualTo(Money.ofMicros(17));
        assertThat(audit.all().get(0).saved()).isEqualTo(Money.ZERO);
        assertThat(metered).extracting(AuditEvent::saved).containsExactly(Money.ZERO, Money.ofMicros(17));
        // a hit still passes the quota admission (step c), and reserves and charges no budget
        assertThat(quota.admitted).hasSize(2);
        assertThat(ledger.settled()).isEqualTo(miss.cost());
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void aRequestWithoutAnExplicitTemperatureOfZeroIsNotCachedUnlessItsTenantOptedIn() {
        assertThat(call(CALLER_A, body("Hi", null)).cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(call(CALLER_A, body("Hi", null)).cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(call(CALLER_A, body("Hi", 0.7)).cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(port.calls.get()).isEqualTo(3);

        policies.put(TENANT_A, new CachePolicy(Duration.ofMinutes(5), true));
        assertThat(call(CALLER_A, body("Hi", 0.7)).cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(call(CALLER_A, body("Hi", 0.7)).cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(port.calls.get()).isEqualTo(4);
    }

    @Test
    void aTenantWithoutATtlIsNeverCached() {
        policies.put(TENANT_A, CachePolicy.OFF);
        assertThat(call(CALLER_A, body("Hi", 0)).cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(call(CALLER_A, body("Hi", 0)).cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(cache.size()).isZero();
    }

    @Test
    void anEntryIsServedForItsTenantsTtlAndNotAMomentLonger() {
        policies.put(TENANT_A, new CachePolicy(Duration.ofMinutes(2), false));
        call(CALLER_A, body("Hi", 0));
        clock.advance(Duration.ofSeconds(119));
        assertThat(call(CALLER_A, body("Hi", 0)).cacheStatus()).isEqualTo(CacheStatus.HIT);
        clock.advance(Duration.ofSeconds(1));
        assertThat(call(CALLER_A, body("Hi", 0)).cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(port.calls.get()).isEqualTo(2);
    }

    @Test
    void oneTenantNeverSeesAnothersEntry() {
        call(CALLER_A, body("Shared prompt", 0));
        GenerateContent.Result other = call(CALLER_B, body("Shared prompt", 0));
        assertThat(other.cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(port.calls.get()).isEqualTo(2);
        assertThat(call(CALLER_B, body("Shared prompt", 0)).cacheStatus()).isEqualTo(CacheStatus.HIT);
    }

    @Test
    void noCacheSkipsTheLookupButStoresWhileNoStoreDoesNeither() {
        call(CALLER_A, body("Hi", 0));
        GenerateContent.Result fresh = call(CALLER_A, body("Hi", 0), CacheDirective.BYPASS);
        assertThat(fresh.cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(port.calls.get()).isEqualTo(2);

        GenerateContent.Result unstored = call(CALLER_A, body("Other", 0), CacheDirective.NO_STORE);
        assertThat(unstored.cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(call(CALLER_A, body("Other", 0)).cacheStatus()).isEqualTo(CacheStatus.MISS);

        call(CALLER_A, body("Stored by no-cache", 0), CacheDirective.BYPASS);
        assertThat(call(CALLER_A, body("Stored by no-cache", 0)).cacheStatus()).isEqualTo(CacheStatus.HIT);
    }

    @Test
    void anAnswerThatDidNotStopIsNotStored() {
        for (String reason : List.of("MAX_TOKENS", "SAFETY", "RECITATION")) {
            port.finishReason = reason;
            call(CALLER_A, body("Hi " + reason, 0));
            assertThat(call(CALLER_A, body("Hi " + reason, 0)).cacheStatus()).as(reason).isEqualTo(CacheStatus.MISS);
        }
        assertThat(cache.size()).isZero();
    }

    @Test
    void anUpstreamErrorIsNotStored() {
        port.failure = new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, 400, "bad");
        assertThatThrownBy(() -> call(CALLER_A, body("Hi", 0))).isInstanceOf(UpstreamException.class);
        port.failure = null;
        assertThat(call(CALLER_A, body("Hi", 0)).cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void anAnswerServedByAFallbackModelIsNeitherStoredNorShared() {
        ResponseCaching.Plan plan = caching.plan(TENANT_A, new GenerationRequest(FLASH, body("Hi", 0)),
                CacheDirective.DEFAULT);
        GenerationResponse byFallback = port.delegate.generate(new GenerationRequest(
                ModelId.parse("gemini-2.5-flash"), body("Hi", 0)), null, Duration.ofSeconds(1));
        assertThat(ResponseCaching.storable(plan, byFallback, FLASH, ModelId.parse("gemini-2.5-flash-lite")))
                .isFalse();
        assertThat(caching.store(plan, byFallback, FLASH, ModelId.parse("gemini-2.5-flash-lite"))).isFalse();
        assertThat(ResponseCaching.storable(plan, byFallback, FLASH, FLASH)).isTrue();
        assertThat(cache.size()).isZero();
    }

    @Test
    void identicalRequestsInFlightShareOneUpstreamCallAndTheFollowersAreHits() throws Exception {
        int n = 20;
        port.close();
        List<Future<GenerateContent.Result>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(threads.submit(() -> call(CALLER_A, body("Coalesce me", 0))));
        }
        await(() -> port.calls.get() == 1 && caching.followersWaiting() == n - 1);
        port.open();

        List<CacheStatus> statuses = new ArrayList<>();
        Money paid = Money.ZERO;
        for (Future<GenerateContent.Result> result : results) {
            GenerateContent.Result r = result.get(10, TimeUnit.SECONDS);
            statuses.add(r.cacheStatus());
            assertThat(r.response().text()).isEqualTo("Echo: Coalesce me");
            if (r.cacheStatus() == CacheStatus.HIT) {
                assertThat(r.cost()).isEqualTo(Money.ZERO);
            } else {
                paid = r.cost();
            }
        }
        assertThat(paid).isGreaterThan(Money.ZERO);
        assertThat(port.calls.get()).isEqualTo(1);
        assertThat(statuses).filteredOn(s -> s == CacheStatus.MISS).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == CacheStatus.HIT).hasSize(n - 1);
        assertThat(outcomes()).filteredOn(o -> o == Outcome.CACHE_HIT).hasSize(n - 1);
        assertThat(ledger.settled()).isEqualTo(paid);
        assertThat(caching.inFlight()).isZero();
    }

    @Test
    void aLeadersUpstreamFailureIsTheFollowersFailure() throws Exception {
        port.close();
        port.failure = new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503, "overloaded");
        List<Future<GenerateContent.Result>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(threads.submit(() -> call(CALLER_A, body("Fail together", 0))));
        }
        await(() -> port.calls.get() == 1 && caching.followersWaiting() == 4);
        port.open();

        for (Future<GenerateContent.Result> result : results) {
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UpstreamException.class)
                    .hasMessageContaining("overloaded");
        }
        assertThat(port.calls.get()).isEqualTo(1);
        assertThat(outcomes()).hasSize(5).doesNotContain(Outcome.SUCCESS, Outcome.CACHE_HIT);
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void tenantsNeverCoalesce() throws Exception {
        port.close();
        Future<GenerateContent.Result> a = threads.submit(() -> call(CALLER_A, body("Same words", 0)));
        Future<GenerateContent.Result> b = threads.submit(() -> call(CALLER_B, body("Same words", 0)));
        await(() -> port.calls.get() == 2);
        assertThat(caching.followersWaiting()).isZero();
        port.open();
        assertThat(a.get(10, TimeUnit.SECONDS).cacheStatus()).isEqualTo(CacheStatus.MISS);
        assertThat(b.get(10, TimeUnit.SECONDS).cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void aFollowerGoesOnAloneWhenTheLeaderFailsForReasonsOfItsOwn() {
        ResponseCaching.Plan plan = caching.plan(TENANT_A, new GenerationRequest(FLASH, body("Hi", 0)),
                CacheDirective.DEFAULT);
        for (RuntimeException own : List.of(
                new LimitExceededException(LimitExceededException.Kind.BUDGET, "TenantBudget", null, "poor"),
                new UpstreamException(UpstreamException.Kind.TIMEOUT, 0, "the leader's own deadline passed"))) {
            ResponseCaching.Leader leader = (ResponseCaching.Leader) caching.join(plan);
            ResponseCaching.Follower follower = (ResponseCaching.Follower) caching.join(plan);
            leader.fail(own);
            assertThat(follower.await(clock.instant().plusSeconds(10))).isEmpty();
        }
        ResponseCaching.Leader leader = (ResponseCaching.Leader) caching.join(plan);
        ResponseCaching.Follower follower = (ResponseCaching.Follower) caching.join(plan);
        leader.finish(port.delegate.generate(new GenerationRequest(FLASH, body("Hi", 0)), null,
                Duration.ofSeconds(1)), false); // not storable: each goes on alone
        assertThat(follower.await(clock.instant().plusSeconds(10))).isEmpty();
        assertThat(caching.inFlight()).isZero();
    }

    @Test
    void aFollowerNeverWaitsPastItsOwnDeadline() {
        ResponseCaching.Plan plan = caching.plan(TENANT_A, new GenerationRequest(FLASH, body("Hi", 0)),
                CacheDirective.DEFAULT);
        ResponseCaching.Leader leader = (ResponseCaching.Leader) caching.join(plan);
        ResponseCaching.Follower follower = (ResponseCaching.Follower) caching.join(plan);
        assertThatThrownBy(() -> follower.await(clock.instant()))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.TIMEOUT));
        leader.fail(new IllegalStateException("done"));
    }

    @Test
    void onlyTheDefaultDirectiveCoalesces() {
        GenerationRequest request = new GenerationRequest(FLASH, body("Hi", 0));
        assertThat(caching.join(caching.plan(TENANT_A, request, CacheDirective.BYPASS)))
                .isInstanceOf(ResponseCaching.Alone.class);
        assertThat(caching.join(caching.plan(TENANT_A, request, CacheDirective.NO_STORE)))
                .isInstanceOf(ResponseCaching.Alone.class);
        assertThat(caching.join(caching.plan(TENANT_A, new GenerationRequest(FLASH, body("Hi", 1)),
                CacheDirective.DEFAULT))).isInstanceOf(ResponseCaching.Alone.class);
        assertThat(caching.inFlight()).isZero();
    }

    @Test
    void aCompletedStreamIsStoredAsOneAnswerThatALaterUnaryRequestHits() {
        RecordingSink sink = new RecordingSink();
        stream().execute(streamCommand(CALLER_A, body("Stream me please", 0)), sink);
        assertThat(sink.status).isEqualTo(CacheStatus.MISS);
        assertThat(sink.sent).hasSize(4);
        assertThat(sink.completed).isTrue();

        GenerateContent.Result unary = call(CALLER_A, body("Stream me please", 0));
        assertThat(unary.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(unary.response().text()).isEqualTo("Echo: Stream me please");
        assertThat(unary.response().finishReason()).contains("STOP");
        assertThat(unary.response().usage()).isEqualTo(audit.all().getFirst().usage());
        List<Object> parts = JsonTree.array(JsonTree.object(JsonTree.asObject(JsonTree.array(
                unary.response().body(), "candidates").orElseThrow().getFirst()), "content").orElseThrow(), "parts")
                .orElseThrow();
        assertThat(parts).hasSize(1); // the word chunks' text concatenated into one part
        assertThat(port.calls.get()).isEqualTo(1);
    }

    @Test
    void aStreamHitIsOneChunkHoldingTheWholeAnswerThenANormalEnd() {
        GenerateContent.Result stored = call(CALLER_A, body("Serve me as a stream", 0));
        RecordingSink sink = new RecordingSink();
        stream().execute(streamCommand(CALLER_A, body("Serve me as a stream", 0)), sink);

        assertThat(sink.status).isEqualTo(CacheStatus.HIT);
        assertThat(sink.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.response().body()).isEqualTo(stored.response().body());
            assertThat(chunk.json()).startsWith("{").contains("\"text\":\"Echo: Serve me as a stream\"")
                    .contains("\"finishReason\":\"STOP\"");
        });
        assertThat(sink.completed).isTrue();
        assertThat(sink.settled).containsExactly(Money.ZERO);
        assertThat(port.calls.get()).isEqualTo(1);
        assertThat(audit.all().get(1)).satisfies(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.STREAM_GENERATE_CONTENT);
            assertThat(e.outcome()).isEqualTo(Outcome.CACHE_HIT);
            assertThat(e.cost()).isEqualTo(Money.ZERO);
            assertThat(e.saved()).isEqualTo(stored.cost());
        });
    }

    @Test
    void aStreamThatDidNotCompleteIsNotStored() {
        port.delegate.failStreamAfter(1, new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 503, "cut"));
        RecordingSink sink = new RecordingSink();
        stream().execute(streamCommand(CALLER_A, body("Cut me off", 0)), sink);
        assertThat(sink.failedWith).isNotNull();
        RecordingSink gone = new RecordingSink();
        gone.goneAfter = 1;
        stream().execute(streamCommand(CALLER_A, body("Cut me off", 0)), gone);
        assertThat(cache.size()).isZero();
        assertThat(call(CALLER_A, body("Cut me off", 0)).cacheStatus()).isEqualTo(CacheStatus.MISS);
    }

    @Test
    void aNoStoreStreamIsNeitherServedNorStored() {
        call(CALLER_A, body("Hi", 0));
        RecordingSink sink = new RecordingSink();
        stream().execute(new StreamGenerateContent.Command(context(CALLER_A), new GenerationRequest(FLASH,
                body("Hi", 0)), new Cancellation(), CacheDirective.NO_STORE), sink);
        assertThat(sink.status).isEqualTo(CacheStatus.BYPASS);
        assertThat(sink.sent).hasSize(2);
        assertThat(port.calls.get()).isEqualTo(2);
    }

    private StreamGenerateContent.Command streamCommand(Caller caller, Map<String, Object> body) {
        return new StreamGenerateContent.Command(context(caller), new GenerationRequest(FLASH, body),
                new Cancellation());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("the condition held in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static final class RecordingSink implements StreamGenerateContent.ChunkSink {
        final List<String> sent = new ArrayList<>();
        final List<StreamChunk> chunks = new ArrayList<>();
        final List<Money> settled = new ArrayList<>();
        CacheStatus status;
        boolean completed;
        RuntimeException failedWith;
        int goneAfter = Integer.MAX_VALUE;

        @Override
        public void cacheStatus(CacheStatus status) {
            assertThat(sent).as("the cache status comes before the first chunk").isEmpty();
            this.status = status;
        }

        @Override
        public boolean send(StreamChunk chunk) {
            sent.add(chunk.json());
            chunks.add(chunk);
            return sent.size() < goneAfter;
        }

        @Override
        public void settled(Money cost) {
            settled.add(cost);
        }

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public void fail(RuntimeException failure) {
            failedWith = failure;
        }
    }

    /**
     * The fake upstream, counting its generate calls, held at a gate while {@link #close}d, and then failing as
     * scripted ({@link #failure}) or answering with another finish reason ({@link #finishReason}).
     */
    private static final class GatedPort implements GenerationPort {
        final FakeGenerationPort delegate;
        final AtomicInteger calls = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile RuntimeException failure;
        volatile String finishReason;

        GatedPort(FakeGenerationPort delegate) {
            this.delegate = delegate;
        }

        void close() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        @Override
        public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential,
                                           Duration timeout) {
            calls.incrementAndGet();
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate stayed closed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            RuntimeException scripted = failure;
            if (scripted != null) {
                throw scripted;
            }
            GenerationResponse response = delegate.generate(request, credential, timeout);
            if (finishReason == null) {
                return response;
            }
            Map<String, Object> body = new LinkedHashMap<>(response.body());
            Map<String, Object> candidate = new LinkedHashMap<>(JsonTree.asObject(
                    JsonTree.array(body, "candidates").orElseThrow().getFirst()));
            candidate.put("finishReason", finishReason);
            body.put("candidates", List.of(candidate));
            return new GenerationResponse(response.servedModel(), body, response.usage());
        }

        @Override
        public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                           Cancellation cancellation, StreamObserver observer) {
            calls.incrementAndGet();
            delegate.stream(request, credential, limits, cancellation, observer);
        }

        @Override
        public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
            return delegate.countTokens(request, credential, timeout);
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
            return delegate.embed(request, credential, timeout);
        }

        @Override
        public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
            return delegate.listModels(credential, timeout);
        }

        @Override
        public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
            return delegate.getModel(model, credential, timeout);
        }
    }
}
