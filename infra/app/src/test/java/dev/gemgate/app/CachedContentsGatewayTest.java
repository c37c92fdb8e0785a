package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.CachedContent;
import com.google.genai.types.Content;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListCachedContentsConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UpdateCachedContentConfig;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.BudgetSpec;
import dev.gemgate.application.budget.ReadBudgetStandings;
import dev.gemgate.application.resource.CacheStorageCharges;
import dev.gemgate.application.resource.CacheStorageSweep;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.pricing.CacheStorageCost;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.resource.CacheStorageMarks;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Explicit context caches through the gateway with the official google-genai Java SDK (which calls {@code /v1/}) on the
 * emulator: the owner's create, get, list, TTL change and delete; the creation charged at the input rate, the storage
 * per token-hour to the (shortened) expiry, a generation using the cache at the cached rate; and a second tenant that
 * can neither see nor touch the first one's cache, refused exactly as for a cache that never existed, with nothing of
 * it reaching the upstream. Time moves with {@link ShiftableClock}: no test waits for hours.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class CachedContentsGatewayTest {
    private static final String MODEL = "gemini-2.5-flash";
    private static final String MISSING = "CachedContent not found (or permission denied)";
    private static final AdminActor ADMIN = new AdminActor("sub-caches-test", "Caches Test", "192.0.2.31");
    /** gemini-2.5-flash's seeded rates: input 0.30, cached input 0.03, output 2.50, storage 1.00 per 1M per hour. */
    private static final TokenRate STORAGE = TokenRate.dollarsPerMillion("1.00");

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AddBudget addBudget;

    @Inject
    ReadBudgetStandings budgetStandings;

    @Inject
    AuditLog auditLog;

    @Inject
    CacheStorageSweep sweep;

    @Inject
    Clock clock;

    @Inject
    CacheStorageMarks marks;

    @Inject
    CacheStorageCharges charges;

    private Tenant tenantA;
    private Tenant tenantB;
    private String keyA;
    private String keyB;

    @BeforeEach
    void twoTenantsAndClocksInStep() {
        tenantA = createTenant.execute(new CreateTenant.Command("caches-a-" + UUID.randomUUID()));
        tenantB = createTenant.execute(new CreateTenant.Command("caches-b-" + UUID.randomUUID()));
        keyA = issueApiKey.execute(new IssueApiKey.Command(tenantA.id(), "a")).secret().reveal();
        keyB = issueApiKey.execute(new IssueApiKey.Command(tenantB.id(), "b")).secret().reveal();
        // the emulator (Google's clock) may be ahead after other tests moved it: the gateway's clock follows
        Duration behind = Duration.between(clock.instant(), emulator().now());
        if (behind.isPositive()) {
            ShiftableClock.advance(behind);
        } else {
            emulator().advanceClock(behind.negated());
        }
    }

    @AfterEach
    void realTime() {
        ShiftableClock.reset();
    }

    private static GeminiEmulator emulator() {
        return GatewayTestResources.emulator();
    }

    private Client sdk(String apiKey) {
        return Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder().baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build()).build()).build();
    }

    /** Over the 1,024-token minimum of gemini-2.5-flash. */
    private static CreateCachedContentConfig.Builder document(String displayName) {
        return CreateCachedContentConfig.builder().displayName(displayName)
                .contents(Content.builder().role("user").parts(Part.fromText(
                        "The quick brown fox jumps over the lazy dog. ".repeat(150))).build())
                .systemInstruction(Content.builder().parts(Part.fromText("Answer from the document.")).build());
    }

    private List<AuditEvent> events(Tenant tenant, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(type), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(30)), 1000));
    }

    private Money storageCharged(Tenant tenant) {
        return events(tenant, AuditEventType.CACHE_STORAGE_CHARGED).stream().map(AuditEvent::cost)
                .reduce(Money.ZERO, Money::plus);
    }

    private static String id(CachedContent cache) {
        return cache.name().orElseThrow().substring("cachedContents/".length());
    }

    @Test
    void theOwnerCreatesReadsListsChangesTheTtlOfAndDeletesItsCache() {
        try (Client a = sdk(keyA)) {
            CachedContent created = a.caches.create(MODEL, document("handbook").ttl(Duration.ofHours(2)).build());
            assertThat(created.name()).hasValueSatisfying(n -> assertThat(n).startsWith("cachedContents/"));
            assertThat(created.model()).hasValue("models/" + MODEL);
            assertThat(created.displayName()).hasValue("handbook");
            long tokens = created.usageMetadata().orElseThrow().totalTokenCount().orElseThrow();
            assertThat(tokens).isGreaterThan(1_024);
            assertThat(created.expireTime()).isEqualTo(created.createTime().map(t -> t.plus(Duration.ofHours(2))));

            CachedContent read = a.caches.get(created.name().get(), null);
            assertThat(read.name()).isEqualTo(created.name());
            assertThat(read.expireTime()).isEqualTo(created.expireTime());

            CachedContent other = a.caches.create(MODEL, document("second").build());
            assertThat(other.expireTime()).isEqualTo(other.createTime().map(t -> t.plus(Duration.ofHours(1))));
            List<String> listed = new ArrayList<>();
            a.caches.list(ListCachedContentsConfig.builder().pageSize(1).build())
                    .forEach(c -> listed.add(c.name().orElseThrow()));
            assertThat(listed).containsExactly(other.name().get(), created.name().get()); // newest first, paged

            CachedContent updated = a.caches.update(created.name().get(), UpdateCachedContentConfig.builder()
                    .ttl(Duration.ofMinutes(10)).build());
            assertThat(updated.expireTime().orElseThrow()).isBefore(created.expireTime().orElseThrow());
            assertThat(a.caches.get(created.name().get(), null).expireTime()).isEqualTo(updated.expireTime());

            a.caches.delete(created.name().get(), null);
            assertThatThrownBy(() -> a.caches.get(created.name().get(), null))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(403);
                        assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                        assertThat(e.message().lines().findFirst()).hasValue(MISSING);
                    });
            List<String> after = new ArrayList<>();
            a.caches.list(null).forEach(c -> after.add(c.name().orElseThrow()));
            assertThat(after).containsExactly(other.name().get());
            a.caches.delete(other.name().get(), null);
        }
        // the v1beta surface answers Google's {} for an empty list and for a delete
        given().header("x-goog-api-key", keyA).get("/v1beta/cachedContents").then().statusCode(200).body(
                org.hamcrest.Matchers.equalTo("{}"));
        assertThat(events(tenantA, AuditEventType.CREATE_CACHED_CONTENT)).hasSize(2)
                .allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS));
        assertThat(events(tenantA, AuditEventType.DELETE_CACHED_CONTENT)).hasSize(2);
        assertThat(events(tenantA, AuditEventType.UPDATE_CACHED_CONTENT)).hasSize(1);
    }

    @Test
    void theCreationIsChargedAtTheInputRateAndTheStorageByTheTokenHourToTheShortenedExpiryExactly() {
        addBudget.execute(new AddBudget.Command(tenantA.id(), new BudgetSpec(BudgetScope.TENANT, Optional.empty(),
                Optional.empty(), BudgetPeriod.LIFETIME, ZoneOffset.UTC, Money.ofDollars("10"), List.of()), ADMIN));
        try (Client a = sdk(keyA)) {
            CachedContent created = a.caches.create(MODEL, document("billed").ttl(Duration.ofHours(3)).build());
            long tokens = created.usageMetadata().orElseThrow().totalTokenCount().orElseThrow();
            Instant createTime = created.createTime().orElseThrow();

            ShiftableClock.advance(Duration.ofMinutes(20));
            emulator().advanceClock(Duration.ofMinutes(20));
            // shortened to exactly one hour of life: the 20 minutes so far are charged now, the rest at the expiry
            a.caches.update(created.name().get(), UpdateCachedContentConfig.builder()
                    .expireTime(createTime.plus(Duration.ofHours(1))).build());
            Money soFar = storageCharged(tenantA);
            assertThat(soFar).isEqualTo(CacheStorageCost.of(STORAGE, tokens, Duration.between(createTime,
                    events(tenantA, AuditEventType.CACHE_STORAGE_CHARGED).getFirst().occurredAt())));

            ShiftableClock.advance(Duration.ofHours(2)); // past the expiry: nothing after it is charged
            sweep.run();
            sweep.run();

            // creation: tokens at 0.30 per 1M, rounded up once; storage: tokens x 1 hour x 1.00 per 1M, exactly
            Money creation = Money.ofMicros(Math.ceilDiv(tokens * 300_000, 1_000_000));
            assertThat(events(tenantA, AuditEventType.CREATE_CACHED_CONTENT)).singleElement().satisfies(e -> {
                assertThat(e.usage().promptTokens()).isEqualTo(tokens);
                assertThat(e.cost()).isEqualTo(creation);
            });
            assertThat(storageCharged(tenantA)).isEqualTo(Money.ofMicros(tokens));
            assertThat(events(tenantA, AuditEventType.CACHE_STORAGE_CHARGED)).hasSize(2).allSatisfy(e -> {
                assertThat(e.detail()).startsWith("storage of " + created.name().get() + ": " + tokens + " tokens");
                assertThat(e.model().orElseThrow().value()).isEqualTo(MODEL);
            });
            assertThat(budgetSpent(creation.plus(Money.ofMicros(tokens)))).isEqualTo(creation.plus(
                    Money.ofMicros(tokens)));
            // the gateway knows it expired: the owner is refused without a call upstream
            emulator().clearRecordedRequests();
            assertThatThrownBy(() -> a.caches.get(created.name().get(), null))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.message().lines().findFirst()).hasValue(MISSING));
            assertThat(emulator().recordedRequests()).isEmpty();
        }
    }

    @Test
    void twoSweepersOnTheirOwnConnectionsChargeEveryExpiredHourOnce() throws Exception {
        long expected = 0;
        try (Client a = sdk(keyA)) {
            for (int hours = 1; hours <= 3; hours++) {
                CachedContent cache = a.caches.create(MODEL, document("swept-" + hours)
                        .ttl(Duration.ofHours(hours)).build());
                expected += cache.usageMetadata().orElseThrow().totalTokenCount().orElseThrow() * hours;
            }
        }
        ShiftableClock.advance(Duration.ofHours(4));
        // two replicas' sweeps at once (this instance's own timer may join in): each stretch goes to one of them
        CacheStorageSweep one = new CacheStorageSweep(marks, charges, clock, Duration.ofHours(1));
        CacheStorageSweep two = new CacheStorageSweep(marks, charges, clock, Duration.ofHours(1));
        Thread first = Thread.ofPlatform().start(one::run);
        Thread second = Thread.ofPlatform().start(two::run);
        first.join();
        second.join();
        // tokens x hours x 1.00 per 1M: each cache's whole life, once
        assertThat(storageCharged(tenantA)).isEqualTo(Money.ofMicros(expected));
        assertThat(events(tenantA, AuditEventType.CACHE_STORAGE_CHARGED)).hasSize(3);
    }

    /** The tenant's budget spend, once the ledger's settlements (written off the request path) reach {@code want}. */
    private Money budgetSpent(Money want) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Money spent;
        do {
            spent = budgetStandings.execute(new ReadBudgetStandings.Query(tenantA.id())).getFirst().spent()
                    .orElseThrow();
            if (spent.equals(want)) {
                return spent;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < until);
        return spent;
    }

    @Test
    void aGenerationUsingTheCacheBillsItsTokensAtTheCachedRate() {
        try (Client a = sdk(keyA)) {
            CachedContent cache = a.caches.create(MODEL, document("used").build());
            long cached = cache.usageMetadata().orElseThrow().totalTokenCount().orElseThrow();
            GenerateContentResponse answer = a.models.generateContent(MODEL, "What does the fox do?",
                    GenerateContentConfig.builder().cachedContent(cache.name().get()).maxOutputTokens(50).build());
            GenerateContentResponseUsageMetadata usage = answer.usageMetadata().orElseThrow();
            assertThat(usage.cachedContentTokenCount()).hasValue((int) cached);
            long prompt = usage.promptTokenCount().orElseThrow();
            long output = usage.candidatesTokenCount().orElse(0) + usage.thoughtsTokenCount().orElse(0);
            // (prompt - cached) x 0.30 + cached x 0.03 + output x 2.50, per 1M, rounded up once
            long expected = Math.ceilDiv((prompt - cached) * 300_000 + cached * 30_000 + output * 2_500_000,
                    1_000_000);
            assertThat(events(tenantA, AuditEventType.GENERATE_CONTENT)).singleElement().satisfies(e -> {
                assertThat(e.usage().cachedTokens()).isEqualTo(cached);
                assertThat(e.cost()).isEqualTo(Money.ofMicros(expected));
            });
            a.caches.delete(cache.name().get(), null);
        }
    }

    @Test
    void anotherTenantCannotListReadChangeOrDeleteTheCacheAndIsRefusedAsForOneThatNeverExisted() {
        CachedContent cacheOfA;
        try (Client a = sdk(keyA)) {
            cacheOfA = a.caches.create(MODEL, document("private").build());
        }
        String theirs = id(cacheOfA);
        String never = "neverexisted0000000000000000000000000000";
        emulator().clearRecordedRequests();

        try (Client b = sdk(keyB)) {
            List<String> listed = new ArrayList<>();
            b.caches.list(null).forEach(c -> listed.add(c.name().orElseThrow()));
            assertThat(listed).isEmpty();
            for (String name : List.of(cacheOfA.name().get(), "cachedContents/" + never)) {
                for (Runnable call : List.<Runnable>of(() -> b.caches.get(name, null),
                        () -> b.caches.update(name, UpdateCachedContentConfig.builder().ttl(Duration.ofHours(5))
                                .build()),
                        () -> b.caches.delete(name, null))) {
                    assertThatThrownBy(call::run).isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(403);
                        assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                        assertThat(e.message().lines().findFirst()).hasValue(MISSING);
                    });
                }
            }
        }
        // byte for byte the same answer (but for each response's own request id), on both API versions
        for (String version : List.of("v1", "v1beta")) {
            assertThat(refusal("get", version, theirs)).isEqualTo(refusal("get", version, never));
            assertThat(refusal("patch", version, theirs)).isEqualTo(refusal("patch", version, never));
            assertThat(refusal("delete", version, theirs)).isEqualTo(refusal("delete", version, never));
        }
        given().header("x-goog-api-key", keyB).get("/v1beta/cachedContents").then().statusCode(200)
                .body(org.hamcrest.Matchers.equalTo("{}"));
        // nothing B did reached Google naming A's cache: B's calls never left the gateway
        assertThat(emulator().recordedRequests()).extracting(RecordedRequest::path)
                .noneMatch(path -> path.contains(theirs));
        assertThat(emulator().recordedRequests()).isEmpty();
        // A still has it, unchanged
        try (Client a = sdk(keyA)) {
            assertThat(a.caches.get(cacheOfA.name().get(), null).expireTime()).isEqualTo(cacheOfA.expireTime());
            a.caches.delete(cacheOfA.name().get(), null);
        }
        // each of B's gets was counted and audited as a refusal: 2 through the SDK, 4 raw
        assertThat(events(tenantB, AuditEventType.GET_CACHED_CONTENT)).hasSize(2 + 4)
                .allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED));
    }

    /** Status and body of B's raw call, with the response's own request id taken out. */
    private String refusal(String method, String version, String id) {
        var request = given().header("x-goog-api-key", keyB).contentType("application/json");
        String path = "/" + version + "/cachedContents/" + id;
        Response response = switch (method) {
            case "get" -> request.get(path);
            case "patch" -> request.body("{\"ttl\":\"600s\"}").patch(path);
            default -> request.delete(path);
        };
        String requestId = response.header("x-gemgate-request-id");
        assertThat(requestId).isNotBlank();
        return response.statusCode() + " " + response.body().asString().replace(requestId, "<request id>");
    }
}
