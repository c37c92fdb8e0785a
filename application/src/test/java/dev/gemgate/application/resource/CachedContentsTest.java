package dev.gemgate.application.resource;

import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeCachedContentsUpstream;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryCacheStorageMarks;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryTenantResources;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The context-cache use cases with in-memory fakes of every port: ownership, admission and billing (creation at the
 * input rate, storage per token-hour from creation to deletion or expiry, never twice).
 */
class CachedContentsTest {
    private static final Caller A = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final Caller B = new Caller(new TenantId(new UUID(3, 3)), new ApiKeyId(new UUID(4, 4)));
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    /** The fake upstream's caches hold 2,048 tokens: 614.4 micro-dollars to create at 0.30, 2,048 an hour at 1.00. */
    private static final long TOKENS = 2_048;

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add(new ModelPrice(FLASH, Instant.EPOCH, TokenRate.dollarsPerMillion("0.30"),
                    TokenRate.dollarsPerMillion("2.50"), TokenRate.dollarsPerMillion("0.03"), Optional.empty(),
                    Optional.empty(), ModelPrice.STANDARD_BATCH_DISCOUNT,
                    Optional.of(TokenRate.dollarsPerMillion("1.00"))))
            .add("gemini-3.5-flash", "1.50", "9.00", "0.15"); // no storage rate
    private final Map<String, Map<String, Object>> bodies = new HashMap<>();
    private final FakeCachedContentsUpstream upstream = new FakeCachedContentsUpstream(clock, bodies::get)
            .holding(TOKENS);
    private final InMemoryTenantResources store = new InMemoryTenantResources();
    private final InMemoryCacheStorageMarks marks = new InMemoryCacheStorageMarks(store);
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private int requests;

    private CachedContentCalls calls() {
        RequestRecorder recorder = new RequestRecorder(audit, new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        });
        Admission admission = new Admission(CountingQuotaLimiter.unlimited(), ledger, recorder, ids, clock);
        UpstreamCalls upstreamCalls = UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(),
                new FakeGenerationPort(List.of("gemini-2.5-flash")), pricing, clock, Duration.ofSeconds(30));
        return new CachedContentCalls(store, upstream, admission, upstreamCalls, charges(recorder), clock);
    }

    private CacheStorageCharges charges(RequestRecorder recorder) {
        return new CacheStorageCharges(marks, pricing, ledger, recorder, ids, clock);
    }

    private CacheStorageSweep sweep() {
        RequestRecorder recorder = new RequestRecorder(audit, new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        });
        return new CacheStorageSweep(marks, charges(recorder), clock, Duration.ofHours(1));
    }

    private RequestContext context(Caller caller) {
        return new RequestContext(caller, new RequestId("req-" + (++requests)), Optional.empty(), Optional.empty());
    }

    private CachedContentCreate.Result create(Caller caller, Map<String, Object> body) {
        String json = "body-" + bodies.size();
        bodies.put(json, body);
        return new CachedContentCreate(calls(), pricing, new TokenEstimator(), ids)
                .execute(new CachedContentCreate.Command(context(caller), body, json));
    }

    private static Map<String, Object> cacheBody(String model, String ttl) {
        Map<String, Object> body = new HashMap<>();
        body.put("model", "models/" + model);
        body.put("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "a long document")))));
        if (ttl != null) {
            body.put("ttl", ttl);
        }
        return body;
    }

    private String idOf(CachedContentCreate.Result created) {
        return store.all().stream().filter(r -> created.json().contains("\"" + r.name() + "\"")).findFirst()
                .orElseThrow().name().id();
    }

    private CachedContentUpdate.Result patch(Caller caller, String id, Map<String, Object> body) {
        String json = "patch-" + bodies.size();
        bodies.put(json, body);
        return new CachedContentUpdate(calls(), pricing).execute(new CachedContentUpdate.Command(context(caller), id,
                body, json));
    }

    private List<AuditEvent> events(AuditEventType type) {
        return audit.all().stream().filter(e -> e.type() == type).toList();
    }

    private Money storageCharged() {
        return events(AuditEventType.CACHE_STORAGE_CHARGED).stream().map(AuditEvent::cost)
                .reduce(Money.ZERO, Money::plus);
    }

    @Test
    void aCreatedCacheIsRecordedAsTheCallersWithGooglesTokensAndTheCreationIsChargedAtTheInputRate() {
        CachedContentCreate.Result created = create(A, cacheBody("gemini-2.5-flash", "3600s"));

        TenantResource cache = store.all().getFirst();
        assertThat(cache.tenant()).isEqualTo(A.tenant());
        assertThat(cache.apiKey()).isEqualTo(A.apiKey());
        assertThat(cache.credential().value()).isEqualTo("test");
        assertThat(cache.model()).contains(FLASH);
        assertThat(cache.tokenCount()).hasValue(TOKENS);
        assertThat(cache.expireTime()).contains(clock.instant().plusSeconds(3600));
        assertThat(cache.description()).isEqualTo(created.json());
        // 2,048 x 0.30 / 1M = 614.4 micro-dollars, rounded up once
        assertThat(created.cost()).isEqualTo(Money.ofMicros(615));
        assertThat(events(AuditEventType.CREATE_CACHED_CONTENT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.usage().promptTokens()).isEqualTo(TOKENS);
            assertThat(e.cost()).isEqualTo(Money.ofMicros(615));
            assertThat(e.model()).contains(FLASH);
        });
        assertThat(ledger.settled()).isEqualTo(Money.ofMicros(615));
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void theBudgetMustAffordTheStorageForTheRequestedTtlBeforeAnythingIsCreated() {
        // 10,000 micro-dollars: the creation (a few hundred) and an hour's storage fit, 100 hours' storage does not
        ledger = new InMemoryBudgetLedger(Optional.of(new Budget(A.tenant(), Optional.empty(), BudgetPeriod.LIFETIME,
                Money.ofMicros(10_000))));

        Map<String, Object> big = cacheBody("gemini-2.5-flash", "360000s");
        // about 4,000 tokens: 1,200 micro-dollars to create, 4,000 an hour to store
        big.put("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text",
                "a long document ".repeat(250))))));
        assertThatThrownBy(() -> create(A, big))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.kind()).isEqualTo(LimitExceededException.Kind.BUDGET));
        assertThat(upstream.calls).isEmpty();

        create(A, cacheBody("gemini-2.5-flash", "3600s"));
        assertThat(upstream.calls).containsExactly("POST cachedContents");
    }

    @Test
    void aModelWhoseStorageHasNoPriceIsRefusedBeforeTheUpstream() {
        assertThatThrownBy(() -> create(A, cacheBody("gemini-3.5-flash", null)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no context-cache storage price");
        assertThatThrownBy(() -> create(A, Map.of("contents", List.of())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> create(A, Map.of("model", "models/gemini-2.5-flash", "ttl", "60s",
                "expireTime", "2026-12-01T00:00:00Z"))).isInstanceOf(InvalidRequestException.class);
        assertThat(upstream.calls).isEmpty();
    }

    @Test
    void aCacheThatCannotBeRecordedAsTheCallersIsDeletedUpstreamAgain() {
        // a live record already holds the name the upstream will give (the store refuses a second one)
        store.record(TenantResource.created(UUID.randomUUID(), UpstreamResourceName.of(ResourceKind.CACHED_CONTENT,
                "c1"), B.tenant(), B.apiKey(), new dev.gemgate.domain.upstream.UpstreamCredentialId("test"),
                Optional.of(FLASH), "ACTIVE", Optional.of(clock.instant().plusSeconds(3600)), clock.instant()));

        assertThatThrownBy(() -> create(A, cacheBody("gemini-2.5-flash", "3600s")))
                .isInstanceOf(dev.gemgate.domain.common.ConflictException.class);
        assertThat(upstream.calls).containsExactly("POST cachedContents", "DELETE cachedContents/c1");
        assertThat(events(AuditEventType.CREATE_CACHED_CONTENT)).singleElement()
                .satisfies(e -> assertThat(e.cost()).isEqualTo(Money.ZERO));
        assertThat(ledger.openReservations()).isZero();
    }

    @Test
    void anotherTenantsCacheIsRefusedExactlyAsOneThatNeverExistedAndNothingReachesTheUpstream() {
        String id = idOf(create(A, cacheBody("gemini-2.5-flash", "3600s")));
        upstream.calls.clear();
        CachedContentCalls calls = calls();

        for (String name : List.of(id, "neverexisted123", "../../files/x")) {
            List<DomainException> refusals = List.of(
                    refusal(() -> new CachedContentGet(calls).execute(new CachedContentGet.Command(context(B), name))),
                    refusal(() -> patch(B, name, Map.of("ttl", "60s"))),
                    refusal(() -> new CachedContentDelete(calls).execute(
                            new CachedContentDelete.Command(context(B), name))));
            assertThat(refusals).allSatisfy(r -> {
                assertThat(r).isInstanceOf(PermissionDeniedException.class);
                assertThat(r.getMessage()).isEqualTo("CachedContent not found (or permission denied)");
            });
        }
        assertThat(new CachedContentList(calls).execute(new CachedContentList.Query(context(B), Optional.empty(),
                Optional.empty())).cachedContents()).isEmpty();
        assertThat(upstream.calls).isEmpty();
        assertThat(store.find(A.tenant(), UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, id))).isPresent();
        assertThat(events(AuditEventType.GET_CACHED_CONTENT)).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED);
            assertThat(e.tenant()).contains(B.tenant());
        });
    }

    private static DomainException refusal(Runnable call) {
        try {
            call.run();
        } catch (DomainException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void theOwnerGetsListsPatchesAndDeletesItsCacheThroughTheCredentialHoldingIt() {
        CachedContentCreate.Result first = create(A, cacheBody("gemini-2.5-flash", "3600s"));
        clock.advance(Duration.ofSeconds(1));
        CachedContentCreate.Result second = create(A, cacheBody("gemini-2.5-flash", "7200s"));
        create(B, cacheBody("gemini-2.5-flash", "3600s"));
        CachedContentCalls calls = calls();

        CachedContentList.Result listed = new CachedContentList(calls).execute(new CachedContentList.Query(
                context(A), Optional.of(1), Optional.empty()));
        assertThat(listed.cachedContents()).containsExactly(second.json());
        CachedContentList.Result next = new CachedContentList(calls).execute(new CachedContentList.Query(
                context(A), Optional.of(1), listed.nextPageToken()));
        assertThat(next.cachedContents()).containsExactly(first.json());
        assertThat(next.nextPageToken()).isEmpty();

        String id = idOf(first);
        assertThat(new CachedContentGet(calls).execute(new CachedContentGet.Command(context(A), id)).json())
                .isEqualTo(first.json());
        CachedContentUpdate.Result patched = patch(A, id, Map.of("ttl", "600s"));
        assertThat(patched.json()).contains(clock.instant().plusSeconds(600).toString());
        assertThat(store.find(A.tenant(), UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, id)).orElseThrow()
                .expireTime()).contains(clock.instant().plusSeconds(600));
        new CachedContentDelete(calls).execute(new CachedContentDelete.Command(context(A), id));
        assertThat(store.find(A.tenant(), UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, id))).isEmpty();
        assertThat(upstream.calls).containsSubsequence("GET cachedContents/" + id, "PATCH cachedContents/" + id,
                "DELETE cachedContents/" + id);
        assertThat(new CachedContentList(calls).execute(new CachedContentList.Query(context(A), Optional.empty(),
                Optional.empty())).cachedContents()).containsExactly(second.json());
    }

    @Test
    void storageIsChargedPerTokenHourFromCreationToTheShortenedExpiryOnceWhateverRunsTheCharge() {
        Instant created = clock.instant();
        String id = idOf(create(A, cacheBody("gemini-2.5-flash", "10800s")));

        clock.advance(Duration.ofHours(1));
        patch(A, id, Map.of("ttl", "1800s")); // the storage so far (1 h) now; the rest ends 30 min from now
        assertThat(storageCharged()).isEqualTo(Money.ofMicros(TOKENS)); // 2,048 tokens x 1 h x 1.00 / 1M

        clock.advance(Duration.ofHours(2)); // past the new expiry
        assertThat(sweep().run()).isEqualTo(1);
        assertThat(sweep().run()).isZero(); // nothing left: the mark is at the expiry
        // 1.5 hours in all: 2,048 x 1.5 = 3,072 micro-dollars, nothing for the 2.5 hours the longer TTL would have had
        assertThat(storageCharged()).isEqualTo(Money.ofMicros(3_072));
        assertThat(marks.markOf(store.all().getFirst().id())).contains(created.plus(Duration.ofMinutes(90)));
        assertThat(store.all().getFirst().deletedAt()).contains(created.plus(Duration.ofMinutes(90)));
        assertThat(ledger.settled()).isEqualTo(Money.ofMicros(615 + 3_072));
        assertThat(events(AuditEventType.CACHE_STORAGE_CHARGED)).allSatisfy(e -> {
            assertThat(e.tenant()).contains(A.tenant());
            assertThat(e.apiKey()).contains(A.apiKey());
            assertThat(e.model()).contains(FLASH);
            assertThat(e.detail()).startsWith("storage of cachedContents/" + id + ": 2048 tokens from ");
        });
        // the owner's later get is refused like any missing cache, without calling the upstream
        upstream.calls.clear();
        assertThatThrownBy(() -> new CachedContentGet(calls()).execute(new CachedContentGet.Command(context(A), id)))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(upstream.calls).isEmpty();
    }

    @Test
    void deletingStopsTheChargeAndTheSweepChargesLongLivedCachesAsTheyGo() {
        String shortLived = idOf(create(A, cacheBody("gemini-2.5-flash", "36000s")));
        String longLived = idOf(create(A, cacheBody("gemini-2.5-flash", "360000s")));

        clock.advance(Duration.ofMinutes(30));
        new CachedContentDelete(calls()).execute(new CachedContentDelete.Command(context(A), shortLived));
        assertThat(storageCharged()).isEqualTo(Money.ofMicros(TOKENS / 2));

        clock.advance(Duration.ofMinutes(45)); // the long-lived one: 75 minutes unbilled, over the 1 h interval
        assertThat(sweep().run()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(30)); // 30 more minutes: under the interval, nothing yet
        assertThat(sweep().run()).isZero();
        // 30 min of the deleted one, 75 min of the live one; nothing after the deletion
        assertThat(storageCharged()).isEqualTo(Money.ofMicros(TOKENS * 105 / 60));
        assertThat(events(AuditEventType.CACHE_STORAGE_CHARGED)).hasSize(2);
        assertThat(longLived).isNotEqualTo(shortLived);
    }

    @Test
    void aCacheGoogleDroppedIsClosedChargedToNowAndRefusedAsMissing() {
        String id = idOf(create(A, cacheBody("gemini-2.5-flash", "7200s")));
        clock.advance(Duration.ofMinutes(15));
        // Google lost it (the fake deletes it behind the gateway's back)
        upstream.delete(dev.gemgate.domain.upstream.UpstreamCredential.apiKey(
                new dev.gemgate.domain.upstream.UpstreamCredentialId("test"), "upstream-test-key", Optional.empty()),
                UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, id), Duration.ofSeconds(1));
        upstream.calls.clear();

        assertThatThrownBy(() -> new CachedContentGet(calls()).execute(new CachedContentGet.Command(context(A), id)))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("CachedContent not found (or permission denied)");
        assertThat(store.find(A.tenant(), UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, id))).isEmpty();
        assertThat(storageCharged()).isEqualTo(Money.ofMicros(TOKENS / 4));
        clock.advance(Duration.ofHours(3));
        assertThat(sweep().run()).isZero();
        assertThat(upstream.calls).containsExactly("GET cachedContents/" + id);
    }

    @Test
    void twoSweepersRacingChargeEachStretchOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            create(A, cacheBody("gemini-2.5-flash", (600 * (i + 1)) + "s"));
        }
        clock.advance(Duration.ofHours(4));
        CacheStorageSweep one = sweep();
        CacheStorageSweep two = sweep();
        Thread t1 = Thread.ofPlatform().start(one::run);
        Thread t2 = Thread.ofPlatform().start(two::run);
        t1.join();
        t2.join();
        // 20 caches living 10, 20, ..., 200 minutes, each charged once for its whole life (rounded up once)
        Money expected = Money.ZERO;
        for (int i = 1; i <= 20; i++) {
            expected = expected.plus(dev.gemgate.domain.pricing.CacheStorageCost.of(
                    TokenRate.dollarsPerMillion("1.00"), TOKENS, Duration.ofMinutes(10L * i)));
        }
        assertThat(storageCharged()).isEqualTo(expected);
        assertThat(events(AuditEventType.CACHE_STORAGE_CHARGED)).hasSize(20);
    }
}
