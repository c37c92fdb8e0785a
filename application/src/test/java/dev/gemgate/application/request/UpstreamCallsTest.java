package dev.gemgate.application.request;

import dev.gemgate.domain.budget.SpendingPolicySource;
import dev.gemgate.domain.fakes.InMemoryTenantResources;
import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.application.generation.CacheDirective;
import dev.gemgate.application.generation.CacheStatus;
import dev.gemgate.application.generation.GenerateContent;
import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.generation.StreamGenerateContent;
import dev.gemgate.application.generation.StreamPolicy;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.port.ResilienceMetrics;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.common.Backoff;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryResponseCache;
import dev.gemgate.domain.fakes.InMemoryUpstreamCredentialStore;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.FallbackPolicySource;
import dev.gemgate.domain.upstream.RetryBudget;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import dev.gemgate.domain.upstream.UpstreamRetryPolicy;
import dev.gemgate.domain.waiting.WaitingRoom;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The retry, deadline, credential and fallback loop of step f, through the generation use cases, on a controllable
 * clock: a wait between attempts moves the clock instead of sleeping.
 */
class UpstreamCallsTest {
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final ModelId PRO = ModelId.parse("gemini-3.1-pro-preview");
    private static final ModelId FLASH = ModelId.parse("gemini-3.6-flash");
    private static final ModelId DEAR = ModelId.parse("gemini-9-dear");

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add(PRO.value(), "2.00", "12.00", "0.20")
            .add(FLASH.value(), "0.30", "2.50", "0.03")
            .add(DEAR.value(), "20.00", "120.00", "2.00");
    private final ScriptedPort port = new ScriptedPort(clock);
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();
    private final InMemoryUpstreamCredentialStore store = new InMemoryUpstreamCredentialStore();
    private final UpstreamGate gate = new UpstreamGate(UpstreamGate.Settings.DEFAULT);
    private final List<Duration> waits = new ArrayList<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final List<String> fallbacks = new CopyOnWriteArrayList<>();
    private RetryBudget.Settings budgetSettings = RetryBudget.Settings.DEFAULT;
    private Map<ModelId, List<ModelId>> chains = Map.of();
    private final InMemoryTenantResources resources = new InMemoryTenantResources();
    private UpstreamCalls.Settings settings = new UpstreamCalls.Settings(Duration.ofSeconds(30),
            Duration.ofSeconds(20), new UpstreamRetryPolicy(3, new Backoff(Duration.ofMillis(200),
            Duration.ofSeconds(2))));
    private CredentialPool pool;
    private RetryBudget budget;

    private Admission admission() {
        return new Admission(CountingQuotaLimiter.unlimited(), ledger, new RequestRecorder(audit, new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        }), new SequentialIdGenerator(), clock, WaitingRoom.neverWaiting(clock),
                RateLimitSource.defaults(RateLimits.UNLIMITED, RateLimits.UNLIMITED, RateLimits.UNLIMITED), gate,
                UpstreamLimits.NONE, SpendingPolicySource.defaults(), resources, tracing);
    }

    /** What a tracing backend was told, one line per call. */
    private final List<String> traced = new ArrayList<>();
    private final RequestTracing tracing = (context, type, model) -> {
        traced.add("opened " + type + " " + model + " " + context.requestId().value());
        return new RequestTracing.RequestSpan() {
            @Override
            public RequestTracing.UpstreamAttempt attempt(ModelId attempted, UpstreamCredential credential,
                                                          int number) {
                traced.add("attempt " + number + " " + attempted + " on " + credential.id());
                return new RequestTracing.UpstreamAttempt() {
                    @Override
                    public void answered(Optional<GenerationResponse> response) {
                        traced.add("answered " + number + " " + response.map(r -> r.usage().promptTokens() + " in, "
                                + r.finishReason().orElse("?")).orElse("-"));
                    }

                    @Override
                    public void failed(RuntimeException failure) {
                        traced.add("failed " + number + " " + ((UpstreamException) failure).kind());
                    }
                };
            }

            @Override
            public void closed(Outcome outcome, Optional<ModelId> servedModel, Usage usage, Money cost) {
                traced.add("closed " + outcome + " " + servedModel.orElseThrow() + " " + usage.promptTokens()
                        + " in");
            }
        };
    };

    private void owns(Caller caller, String name, String credential, Optional<Instant> expiry) {
        ResourceKind kind = name.startsWith("files/") ? ResourceKind.FILE : ResourceKind.CACHED_CONTENT;
        resources.record(TenantResource.created(UUID.randomUUID(), new UpstreamResourceName(kind, name),
                caller.tenant(), caller.apiKey(), new UpstreamCredentialId(credential),
                kind == ResourceKind.FILE ? Optional.empty() : Optional.of(PRO), "ACTIVE", expiry, clock.instant()));
    }

    private static GenerateContent.Command naming(ModelId model, Map<String, Object> body) {
        return new GenerateContent.Command(new RequestContext(CALLER, new RequestId("req-" + UUID.randomUUID()),
                Optional.empty(), Optional.empty()), new GenerationRequest(model, body), CacheDirective.NO_STORE);
    }

    private static Map<String, Object> withFile(String fileUri) {
        return Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "Describe"),
                Map.of("fileData", Map.of("mimeType", "image/png", "fileUri", fileUri))))),
                "generationConfig", Map.of("maxOutputTokens", 100));
    }

    private static Map<String, Object> withCache(String cache) {
        return Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "Go on")))),
                "cachedContent", cache, "generationConfig", Map.of("maxOutputTokens", 100));
    }

    @Test
    void aRequestNamingItsOwnFileGoesToTheCredentialHoldingItEvenWhenThatOneFailsAWhile() {
        store.add(key("k1"), 1, clock.instant());
        store.add(key("k2"), 1, clock.instant());
        owns(CALLER, "files/abc123", "k2", Optional.empty());
        port.fail(unavailable());
        GenerateContent useCase = generate();

        for (int i = 0; i < 5; i++) {
            useCase.execute(naming(FLASH, withFile("https://generativelanguage.googleapis.com/v1beta/files/abc123")));
        }
        // k1 is preferred by the pool's weights here (random 0.0): every call still went to k2, the retry too
        assertThat(port.calls).hasSize(6).extracting(c -> c.credential).containsOnly("k2");
        assertThat(ledger.settled().micros()).isPositive();
    }

    @Test
    void anotherTenantsFileOrCacheIsRefusedExactlyAsAMissingOneAndNothingReachesTheUpstream() {
        Caller other = new Caller(new TenantId(new UUID(7, 7)), new ApiKeyId(new UUID(8, 8)));
        owns(other, "files/theirs1", "k1", Optional.empty());
        owns(other, "cachedContents/theirs2", "k1", Optional.empty());
        GenerateContent useCase = generate();

        for (String[] pair : new String[][] {{"https://generativelanguage.googleapis.com/v1beta/files/theirs1",
                "https://generativelanguage.googleapis.com/v1beta/files/nothere"}, {"files/theirs1", "files/nothere"}}) {
            String theirs = failure(() -> useCase.execute(naming(FLASH, withFile(pair[0]))));
            String missing = failure(() -> useCase.execute(naming(FLASH, withFile(pair[1]))));
            assertThat(theirs).isEqualTo("PermissionDeniedException: You do not have permission to access the File "
                    + "theirs1 or it may not exist.");
            assertThat(missing).isEqualTo(theirs.replace("theirs1", "nothere"));
        }
        String theirCache = failure(() -> useCase.execute(naming(PRO, withCache("cachedContents/theirs2"))));
        String noCache = failure(() -> useCase.execute(naming(PRO, withCache("cachedContents/nothere"))));
        assertThat(theirCache).isEqualTo(noCache)
                .isEqualTo("PermissionDeniedException: CachedContent not found (or permission denied)");
        assertThat(port.calls).isEmpty();
        assertThat(audit.all()).hasSize(6).allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED));
    }

    @Test
    void aCachedRequestIsHeldToItsModelAndAnExpiredCacheIsRefused() {
        chains = Map.of(PRO, List.of(FLASH));
        owns(CALLER, "cachedContents/mine", "k1", Optional.of(clock.instant().plus(Duration.ofMinutes(5))));
        port.failModel(PRO, unavailable());
        GenerateContent useCase = generate();

        assertThatThrownBy(() -> useCase.execute(naming(PRO, withCache("cachedContents/mine"))))
                .isInstanceOf(UpstreamException.class);
        assertThat(port.calls).extracting(c -> c.model).containsOnly(PRO);
        assertThat(fallbacks).isEmpty();

        port.calls.clear();
        clock.advance(Duration.ofMinutes(6));
        assertThat(failure(() -> useCase.execute(naming(PRO, withCache("mine")))))
                .isEqualTo("PermissionDeniedException: CachedContent not found (or permission denied)");
        assertThat(port.calls).isEmpty();
    }

    @Test
    void filesOfTwoProjectsInOneRequestAreRefusedAsInvalid() {
        store.add(key("k1"), 1, clock.instant());
        store.add(key("k2"), 1, clock.instant());
        owns(CALLER, "files/one", "k1", Optional.empty());
        owns(CALLER, "files/two", "k2", Optional.empty());
        Map<String, Object> body = Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(
                Map.of("fileData", Map.of("mimeType", "image/png", "fileUri", "files/one")),
                Map.of("fileData", Map.of("mimeType", "image/png", "fileUri", "files/two"))))));
        assertThat(failure(() -> generate().execute(naming(FLASH, body))))
                .startsWith("InvalidRequestException: The files and cached content of one request");
        assertThat(port.calls).isEmpty();
    }

    private static String failure(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        throw new AssertionError("expected a refusal");
    }

    private UpstreamCalls calls() {
        if (store.loadAll().isEmpty()) {
            store.add(key("k1"), 1, clock.instant());
        }
        pool = new CredentialPool(Optional.empty(), store, gate, UpstreamCircuits.NONE, clock, () -> 0.0,
                Duration.ofMinutes(5), (id, status, until) -> rejections.add(id + " " + status));
        pool.reload();
        budget = new RetryBudget(budgetSettings, clock);
        FallbackPolicySource source = (tenant, model) -> chains.getOrDefault(model, List.of());
        return new UpstreamCalls(pool, port, budget, source, pricing, clock, wait -> {
            waits.add(wait);
            clock.advance(wait);
        }, () -> 0.5, settings, new ResilienceMetrics() {
            @Override
            public void retried(ModelId model, Kind after) {
            }

            @Override
            public void retryRefused(ModelId model) {
            }

            @Override
            public void fellBack(ModelId from, ModelId to) {
                fallbacks.add(from + "->" + to);
            }
        });
    }

    private GenerateContent generate() {
        return new GenerateContent(pricing, new InMemoryResponseCache(), calls(), admission(),
                new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)), clock,
                GenerationPolicy.defaults());
    }

    private static UpstreamCredential key(String id) {
        return UpstreamCredential.apiKey(new UpstreamCredentialId(id), "secret-" + id, Optional.empty());
    }

    private static GenerateContent.Command command(ModelId model) {
        return command(model, Optional.empty());
    }

    private static GenerateContent.Command command(ModelId model, Optional<Instant> deadline) {
        return new GenerateContent.Command(new RequestContext(CALLER, new RequestId("req-" + UUID.randomUUID()),
                Optional.empty(), Optional.empty(), deadline), new GenerationRequest(model, hello()),
                CacheDirective.NO_STORE);
    }

    private static Map<String, Object> hello() {
        return Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "Hello there")))),
                "generationConfig", Map.of("maxOutputTokens", 100));
    }

    private static UpstreamException unavailable() {
        return new UpstreamException(Kind.UNAVAILABLE, 503, "the upstream is unavailable (503 UNAVAILABLE)");
    }

    @Test
    void a503BurstIsRetriedWithBackoffAndTheClientGetsTheSuccess() {
        port.fail(unavailable(), unavailable());
        GenerateContent.Result result = generate().execute(command(FLASH));

        assertThat(result.response().text()).isEqualTo("Echo: Hello there");
        assertThat(result.servedModel()).isEqualTo(FLASH);
        assertThat(port.calls).hasSize(3);
        // equal jitter at 0.5: 150 ms after the first failure, 300 ms after the second
        assertThat(waits).containsExactly(Duration.ofMillis(150), Duration.ofMillis(300));
        assertThat(audit.all()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS));
    }

    @Test
    void eachAttemptIsTracedUnderItsRequestWhichLearnsHowItEnded() {
        port.fail(unavailable());
        GenerateContent.Command command = command(FLASH);
        GenerateContent.Result result = generate().execute(command);

        long prompt = result.response().usage().promptTokens();
        assertThat(traced).containsExactly(
                "opened GENERATE_CONTENT " + FLASH + " " + command.context().requestId().value(),
                "attempt 1 " + FLASH + " on k1",
                "failed 1 UNAVAILABLE",
                "attempt 2 " + FLASH + " on k1",
                "answered 2 " + prompt + " in, " + result.response().finishReason().orElse("?"),
                "closed SUCCESS " + FLASH + " " + prompt + " in");
    }

    @Test
    void aRequestGoogleRefusedIsNeverRetried() {
        port.fail(new UpstreamException(Kind.INVALID_REQUEST, 400, "bad"));
        assertThatThrownBy(() -> generate().execute(command(FLASH))).isInstanceOf(UpstreamException.class);
        assertThat(port.calls).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void theFailureAnsweredAfterRetriesCarriesTheAttempts() {
        port.failAlways(unavailable());
        assertThatThrownBy(() -> generate().execute(command(FLASH)))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.upstreamStatus()).isEqualTo(503);
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                });
        assertThat(port.calls).hasSize(3);
        assertThat(audit.all()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.UPSTREAM_ERROR));
    }

    @Test
    void underA100PercentOutageTheUpstreamSeesNoMoreCallsThanTheRetryBudgetAllows() {
        budgetSettings = new RetryBudget.Settings(0.1, 0, 2);
        port.failAlways(unavailable());
        GenerateContent useCase = generate();
        int requests = 50;
        for (int i = 0; i < requests; i++) {
            assertThatThrownBy(() -> useCase.execute(command(FLASH))).isInstanceOf(UpstreamException.class);
        }
        // 50 first attempts, 2 from the full bucket, 0.1 x 50 = 5 earned: at most 57, far from the 150 unbudgeted
        assertThat(port.calls.size()).isBetween(requests + 1, requests + 2 + 5);
    }

    @Test
    void aRetryTheBudgetRefusesCostsTheCallerNoWait() {
        budgetSettings = new RetryBudget.Settings(0, 0, 1);
        port.failAlways(unavailable());
        assertThatThrownBy(() -> generate().execute(command(FLASH))).isInstanceOfSatisfying(UpstreamException.class,
                e -> assertThat(e.attempts()).isEqualTo(2));
        // one retry paid from the bucket, after its backoff; the second refused before any wait
        assertThat(port.calls).hasSize(2);
        assertThat(waits).containsExactly(Duration.ofMillis(150));
    }

    @Test
    void noWaitOutlivesTheCallersDeadline() {
        port.failAlways(unavailable());
        Instant deadline = clock.instant().plusMillis(300);
        assertThatThrownBy(() -> generate().execute(command(FLASH, Optional.of(deadline))))
                .isInstanceOf(UpstreamException.class);
        // the first backoff (150 ms) fits, the second (300 ms) would end past the deadline
        assertThat(waits).containsExactly(Duration.ofMillis(150));
        assertThat(port.calls).hasSize(2);
        assertThat(port.timeouts.getFirst()).isEqualTo(Duration.ofMillis(300));
        assertThat(clock.instant()).isBefore(deadline);
    }

    @Test
    void aRequestWhoseDeadlineHasPassedIsAnswered504WithoutAnotherAttempt() {
        port.fail(new UpstreamException(Kind.TIMEOUT, 0, "the upstream did not answer within the deadline"));
        port.advanceOnCall = Duration.ofSeconds(30);
        assertThatThrownBy(() -> generate().execute(command(FLASH)))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("deadline");
                });
        assertThat(port.calls).hasSize(1);
    }

    @Test
    void whenTheModelCannotServeTheFallbackServesAtItsOwnPrice() {
        chains = Map.of(PRO, List.of(FLASH));
        port.failModel(PRO, unavailable());
        GenerateContent.Result result = generate().execute(command(PRO));

        assertThat(result.servedModel()).isEqualTo(FLASH);
        assertThat(result.cacheStatus()).isEqualTo(CacheStatus.BYPASS);
        assertThat(port.calls).extracting(c -> c.model).containsExactly(PRO, PRO, PRO, FLASH);
        assertThat(fallbacks).containsExactly(PRO + "->" + FLASH);
        // at flash's price, not pro's
        CostCalculator calculator = new CostCalculator();
        Money flashCost = calculator.cost(pricing.priceAt(FLASH, clock.instant()).orElseThrow(),
                result.response().usage());
        Money proCost = calculator.cost(pricing.priceAt(PRO, clock.instant()).orElseThrow(),
                result.response().usage());
        assertThat(flashCost).isNotEqualTo(proCost);
        assertThat(result.cost()).isEqualTo(flashCost);
        assertThat(ledger.settled()).isEqualTo(flashCost);
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.model()).contains(FLASH);
            assertThat(e.cost()).isEqualTo(flashCost);
            assertThat(e.detail()).contains("served by the fallback models/" + FLASH).contains("models/" + PRO);
        });
    }

    @Test
    void aStrictTenantOrAnUnaffordableFallbackIsNeverServedByAnotherModel() {
        chains = Map.of(FLASH, List.of(DEAR));
        port.failModel(FLASH, unavailable());
        assertThatThrownBy(() -> generate().execute(command(FLASH))).isInstanceOf(UpstreamException.class);
        assertThat(port.calls).extracting(c -> c.model).containsOnly(FLASH);

        chains = Map.of();
        port.calls.clear();
        assertThatThrownBy(() -> generate().execute(command(FLASH))).isInstanceOf(UpstreamException.class);
        assertThat(port.calls).extracting(c -> c.model).containsOnly(FLASH);
    }

    @Test
    void aRejectedCredentialIsHeldOutAndTheNextOneServesTheSameRequest() {
        store.add(key("k1"), 1, clock.instant());
        store.add(key("k2"), 1, clock.instant());
        port.failCredential("k1", new UpstreamException(Kind.CREDENTIAL_REJECTED, 401, "upstream credential rejected"));
        GenerateContent useCase = generate();
        GenerateContent.Result first = useCase.execute(command(FLASH));
        assertThat(first.response().text()).isEqualTo("Echo: Hello there");
        assertThat(rejections).containsExactly("k1 401");
        assertThat(waits).isEmpty();

        port.calls.clear();
        for (int i = 0; i < 10; i++) {
            useCase.execute(command(FLASH));
        }
        assertThat(port.calls).extracting(c -> c.credential).containsOnly("k2");
    }

    @Test
    void aPinnedCallUsesItsCredentialOnlyRetryingThereAndNeverMovesToAnother() {
        store.add(key("k1"), 1, clock.instant());
        store.add(key("k2"), 1, clock.instant());
        UpstreamCalls calls = calls();
        Admission admission = admission();
        port.failCredential("k2", unavailable());
        Ticket ticket = admission.open(new RequestContext(CALLER, new RequestId("req-pin"), Optional.empty(),
                Optional.empty()), dev.gemgate.domain.audit.AuditEventType.GET_FILE, FLASH, Optional.empty(),
                Optional.empty());
        ticket.admitQuotaWithoutTokens();
        List<String> used = new ArrayList<>();
        assertThatThrownBy(() -> calls.pinned(ticket, new UpstreamCredentialId("k2"), (model, credential, timeout) -> {
            used.add(credential.id().value());
            return port.generate(new GenerationRequest(model, hello()), credential, timeout);
        })).isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
        assertThat(used).hasSize(3).containsOnly("k2");

        store.update(new UpstreamCredentialId("k1"), Optional.of(dev.gemgate.domain.upstream.CredentialStatus.DISABLED),
                Optional.empty(), clock.instant());
        pool.reload();
        used.clear();
        Ticket second = admission.open(new RequestContext(CALLER, new RequestId("req-pin-2"), Optional.empty(),
                Optional.empty()), dev.gemgate.domain.audit.AuditEventType.GET_FILE, FLASH, Optional.empty(),
                Optional.empty());
        second.admitQuotaWithoutTokens();
        assertThatThrownBy(() -> calls.pinned(second, new UpstreamCredentialId("k1"), (model, credential, timeout) -> {
            used.add(credential.id().value());
            return "called";
        })).isInstanceOfSatisfying(UpstreamException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("disabled");
        });
        assertThat(used).isEmpty();
    }

    @Test
    void aCallNamingNoModelIsAdmittedInItsApiLaneAndAuditedWithoutAModel() {
        UpstreamCalls calls = calls();
        Ticket ticket = admission().openWithoutModel(new RequestContext(CALLER, new RequestId("req-files"),
                Optional.empty(), Optional.empty()), dev.gemgate.domain.audit.AuditEventType.LIST_FILES,
                new ModelId("files"));
        ticket.admitQuotaWithoutTokens();
        UpstreamCalls.Served<String> served = calls.pinned(ticket, new UpstreamCredentialId("k1"),
                (model, credential, timeout) -> model + " with " + credential.id());
        ticket.settle(Usage.NONE, Outcome.SUCCESS);
        assertThat(served.value()).isEqualTo("files with k1");
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(dev.gemgate.domain.audit.AuditEventType.LIST_FILES);
            assertThat(e.model()).isEmpty();
            assertThat(e.cost()).isEqualTo(Money.ZERO);
        });
    }

    @Test
    void aStreamIsRetriedOnlyBeforeItsFirstChunkReachedTheClient() {
        port.fail(unavailable());
        List<String> sent = new ArrayList<>();
        List<ModelId> served = new ArrayList<>();
        StreamGenerateContent streams = new StreamGenerateContent(pricing, calls(), admission(),
                new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)), clock,
                GenerationPolicy.defaults(), new StreamPolicy(Duration.ofSeconds(30), Duration.ofMinutes(1)));
        StreamGenerateContent.ChunkSink sink = new StreamGenerateContent.ChunkSink() {
            @Override
            public void admitted(RateLimitStatus rateLimits) {
            }

            @Override
            public void servedBy(ModelId model) {
                served.add(model);
            }

            @Override
            public boolean send(StreamChunk chunk) {
                sent.add(chunk.response().text());
                return true;
            }

            @Override
            public void complete() {
                sent.add("<complete>");
            }

            @Override
            public void fail(RuntimeException failure) {
                sent.add("<failed>");
            }
        };
        streams.execute(new StreamGenerateContent.Command(new RequestContext(CALLER, new RequestId("req-s1"),
                Optional.empty(), Optional.empty()), new GenerationRequest(FLASH, hello()), new Cancellation()), sink);
        assertThat(port.calls).hasSize(2);
        assertThat(sent).endsWith("<complete>").doesNotContain("<failed>");
        assertThat(served).containsExactly(FLASH, FLASH);

        // cut after the first chunk: the failure ends the stream, never retried
        sent.clear();
        port.calls.clear();
        port.fake.failStreamAfter(1, unavailable());
        streams.execute(new StreamGenerateContent.Command(new RequestContext(CALLER, new RequestId("req-s2"),
                Optional.empty(), Optional.empty()), new GenerationRequest(FLASH, hello()), new Cancellation()), sink);
        assertThat(port.calls).hasSize(1);
        assertThat(sent).hasSize(2).endsWith("<failed>");
    }

    /** The fake upstream with failures scripted per call, model or credential, and a record of every call. */
    static final class ScriptedPort implements GenerationPort {
        record Call(ModelId model, String credential, Instant at) {
        }

        final FakeGenerationPort fake = new FakeGenerationPort(List.of(PRO.value(), FLASH.value(), DEAR.value()));
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final List<Duration> timeouts = new CopyOnWriteArrayList<>();
        private final Deque<RuntimeException> next = new ArrayDeque<>();
        private final Map<ModelId, RuntimeException> byModel = new HashMap<>();
        private final Map<String, RuntimeException> byCredential = new HashMap<>();
        private final MutableClock clock;
        private RuntimeException always;
        Duration advanceOnCall = Duration.ZERO;

        ScriptedPort(MutableClock clock) {
            this.clock = clock;
        }

        void fail(RuntimeException... failures) {
            next.addAll(List.of(failures));
        }

        void failAlways(RuntimeException failure) {
            always = failure;
        }

        void failModel(ModelId model, RuntimeException failure) {
            byModel.put(model, failure);
        }

        void failCredential(String credential, RuntimeException failure) {
            byCredential.put(credential, failure);
        }

        private void before(ModelId model, UpstreamCredential credential, Duration timeout) {
            calls.add(new Call(model, credential.id().value(), clock.instant()));
            timeouts.add(timeout);
            clock.advance(advanceOnCall);
            RuntimeException failure = next.poll();
            if (failure == null) {
                failure = byCredential.get(credential.id().value());
            }
            if (failure == null) {
                failure = byModel.get(model);
            }
            if (failure == null) {
                failure = always;
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential,
                                           Duration timeout) {
            before(request.model(), credential, timeout);
            return fake.generate(request, credential, timeout);
        }

        @Override
        public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                           Cancellation cancellation, StreamObserver observer) {
            try {
                before(request.model(), credential, limits.total());
            } catch (UpstreamException e) {
                observer.onError(e);
                return;
            }
            fake.stream(request, credential, limits, cancellation, observer);
        }

        @Override
        public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
            before(request.model(), credential, timeout);
            return fake.countTokens(request, credential, timeout);
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
            before(request.model(), credential, timeout);
            return fake.embed(request, credential, timeout);
        }

        @Override
        public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
            return fake.listModels(credential, timeout);
        }

        @Override
        public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
            return fake.getModel(model, credential, timeout);
        }
    }
}
