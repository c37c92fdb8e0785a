package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.fakes.InMemoryAllowanceStore;
import dev.gemgate.domain.quota.AllowanceStore;
import dev.gemgate.domain.quota.Bucket;
import dev.gemgate.domain.quota.ConcurrencyLimitedQuotaLimiter;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * Rate limits through the whole gateway: limits set in configuration, the leased limiter over an in-process store (a
 * boot of its own, {@link Limits}), the {@code x-ratelimit-*} headers of every successful call, and the 429 of a
 * refusal. Each test has a key of its own, so the key's 3 requests a minute are the test's alone.
 */
@QuarkusTest
@TestProfile(RateLimitedGatewayTest.Limits.class)
@WithTestResource(GatewayTestResources.class)
class RateLimitedGatewayTest {
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100}}";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String DURATION = "([0-9]+h)?([0-9]+m)?[0-9]+(\\.[0-9]+)?s|[0-9]+ms";

    /**
     * Each key: 3 requests a minute; each tenant: a million tokens a minute and 1,000 requests a day. Overrides are
     * reread every 250 ms (for {@code RateLimitOverridesTest}).
     */
    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemgate.quota.key.requests-per-minute", "3",
                    "gemgate.quota.tenant.tokens-per-minute", "1000000",
                    "gemgate.quota.tenant.requests-per-day", "1000",
                    "gemgate.quota.overrides-refresh", "250ms",
                    "gemgate.upstream.limits.\"gemini-2.5-pro\".requests-per-minute", "2");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SharedAllowanceStore.class);
        }
    }

    /** The fleet-wide store of this boot: an exact in-memory token bucket (the PostgreSQL store has tests of its own). */
    @Alternative
    @Singleton
    public static class SharedAllowanceStore implements AllowanceStore {
        final InMemoryAllowanceStore store = new InMemoryAllowanceStore();

        @Override
        public Grant take(Bucket bucket, long minimum, long wanted, Instant now) {
            return store.take(bucket, minimum, wanted, now);
        }

        @Override
        public void giveBack(Bucket bucket, long units, Instant takenAt, Instant now) {
            store.giveBack(bucket, units, takenAt, now);
        }
    }

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    QuotaLimiter limiter;

    private String key;

    @BeforeEach
    void issueKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("limited-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "rate limit test")).secret().reveal();
    }

    @AfterEach
    void resetClock() {
        ShiftableClock.reset();
    }

    private Response generate() {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE);
    }

    @Test
    void theLeasedLimiterIsWiredOverTheStore() {
        assertThat(limiter).isInstanceOf(ConcurrencyLimitedQuotaLimiter.class);
    }

    @Test
    void successfulCallsCarryTheirStandingUntilTheKeysLimitRefusesWithTheTimeUntilTheNextFits() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            Response response = generate();
            response.then().statusCode(200)
                    .header("x-ratelimit-limit-requests", "3")
                    .header("x-ratelimit-remaining-requests", Integer.toString(remaining))
                    .header("x-ratelimit-reset-requests", List.of("1m0s", "40s", "20s").get(remaining))
                    .header("x-ratelimit-limit-tokens", "1000000")
                    .header("x-ratelimit-reset-tokens", matchesPattern(DURATION));
            // the tenant's bucket refills behind the slice this instance holds: up to the whole limit remains
            assertThat(Long.parseLong(response.header("x-ratelimit-remaining-tokens"))).isBetween(990_000L, 1_000_000L);
        }

        Response refused = generate();
        refused.then().statusCode(429)
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0].quotaId",
                        equalTo("RequestsPerMinutePerApiKey"))
                .body("error.details.find { it.'@type'.endsWith('RetryInfo') }.retryDelay", matchesPattern("[0-9]+s"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 20L); // one request refills every 20 s

        ShiftableClock.advance(Duration.ofSeconds(retryAfter));
        generate().then().statusCode(200).header("x-ratelimit-remaining-requests", "0");
    }

    @Test
    void streamsCountsAndEmbeddingsCarryTheHeadersToo() {
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
                .then().statusCode(200)
                .header("Content-Type", matchesPattern("text/event-stream.*"))
                .header("x-ratelimit-limit-requests", "3")
                .header("x-ratelimit-remaining-requests", "2")
                .header("x-ratelimit-limit-tokens", "1000000");
        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                .post("/v1beta/models/gemini-2.5-flash:countTokens")
                .then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "1");
        given().header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body("{\"content\":{\"parts\":[{\"text\":\"embed me\"}]}}")
                .post("/v1beta/models/gemini-embedding-001:embedContent")
                .then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "0")
                .header("x-ratelimit-limit-tokens", "1000000");
    }

    @Test
    void googlesConfiguredLimitIsCountedForEveryTenantAndRefusesBeforeTheUpstreamIsCalled() {
        Tenant other = createTenant.execute(new CreateTenant.Command("limited-" + UUID.randomUUID()));
        String otherKey = issueApiKey.execute(new IssueApiKey.Command(other.id(), "second tenant")).secret().reveal();
        String pro = "/v1beta/models/gemini-2.5-pro:generateContent";
        long before = proCalls();

        given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(pro)
                .then().statusCode(200);
        given().header("x-goog-api-key", otherKey).contentType(ContentType.JSON).body(HELLO).post(pro)
                .then().statusCode(200);
        Response refused = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(pro);

        refused.then().statusCode(429)
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0].quotaId",
                        equalTo("UpstreamRequestsPerMinute"));
        // 2 a minute: one every 30 s, less what has refilled since the first call
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 30L);
        assertThat(proCalls() - before).isEqualTo(2);
    }

    private static long proCalls() {
        return GatewayTestResources.emulator().recordedRequests().stream()
                .filter(r -> r.path().contains("gemini-2.5-pro:generateContent")).count();
    }

    @Test
    void modelReadsCountAgainstTheRequestLimitsAsAtGoogle() {
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200)
                .header("x-ratelimit-limit-requests", "3")
                .header("x-ratelimit-remaining-requests", "2");
        given().header("x-goog-api-key", key).get("/v1beta/models/gemini-2.5-flash").then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "1");
        generate().then().statusCode(200).header("x-ratelimit-remaining-requests", "0");
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(429)
                .header("Retry-After", matchesPattern("[0-9]+"))
                .body("error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0].quotaId",
                        equalTo("RequestsPerMinutePerApiKey"));
    }

    @Test
    void usageReportsCountAgainstTheRequestLimitsToo() {
        given().header("x-goog-api-key", key).get("/gemgate/v1/usage").then().statusCode(200)
                .header("x-ratelimit-limit-requests", "3")
                .header("x-ratelimit-remaining-requests", "2")
                .body("groupBy", equalTo("day"));
        given().header("x-goog-api-key", key).get("/gemgate/v1/usage?groupBy=model").then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "1");
        given().header("x-goog-api-key", key).get("/gemgate/v1/usage").then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "0");
        given().header("x-goog-api-key", key).get("/gemgate/v1/usage").then().statusCode(429)
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0].quotaId",
                        equalTo("RequestsPerMinutePerApiKey"));
    }
}
