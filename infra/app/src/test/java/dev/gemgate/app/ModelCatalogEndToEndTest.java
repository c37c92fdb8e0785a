package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Model;
import dev.gemgate.adapter.persistence.PostgresPricingCatalog;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.generation.ModelCatalog;
import dev.gemgate.application.tenant.ChangeApiKeyScopes;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import dev.gemgate.emulator.KnownModel;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.sql.DataSource;
import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * GET models from the cached catalog, end to end against an upstream of this test's own (an emulator it starts, stops
 * and restarts on the port {@link ModelCatalogResources} configured), with the application's clock moved instead of
 * waiting out {@code gemgate.models.refresh} (10 minutes here). The methods run in order: the first one finds a
 * catalog that has never loaded.
 */
@QuarkusTest
@WithTestResource(ModelCatalogResources.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelCatalogEndToEndTest {
    private static final Duration REFRESH = Duration.parse("PT" + ModelCatalogResources.REFRESH);
    private static final Duration RETRY_AFTER = Duration.parse("PT" + ModelCatalogResources.RETRY_AFTER);
    private static final AdminActor ADMIN = new AdminActor("sub-catalog-test", "Catalog Test", "192.0.2.20");
    private static GeminiEmulator upstream;

    @ConfigProperty(name = "gemgate.upstream.base-url")
    String upstreamUrl;

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    ModelCatalog catalog;

    @Inject
    PostgresPricingCatalog pricing;

    @Inject
    DataSource dataSource;

    @Inject
    Clock clock;

    private Tenant tenant;
    private String key;

    @BeforeEach
    void aTenantWithAnUnrestrictedKey() {
        tenant = createTenant.execute(new CreateTenant.Command("catalog-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "catalog test")).secret().reveal();
    }

    /**
     * The clock is put back once, after the last method: moved only forward meanwhile, the catalog never sees it go
     * back (which would make its list due at once).
     */
    @AfterAll
    static void putTheClockBackAndStopTheUpstream() {
        ShiftableClock.reset();
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    @Test
    @Order(1)
    void beforeTheUpstreamFirstAnswersModelReadsAre503WithRetryAfterAndDoNotHammerIt() {
        assertThat(upstream).as("nothing listens on the upstream's port yet").isNull();

        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(503)
                .header("Retry-After", String.valueOf(RETRY_AFTER.toSeconds()))
                .body("error.code", equalTo(503))
                .body("error.status", equalTo("UNAVAILABLE"))
                .body("error.message", containsString("no model list yet"));
        given().header("x-goog-api-key", key).get("/v1/models/gemini-2.5-flash").then().statusCode(503)
                .body("error.status", equalTo("UNAVAILABLE"));

        startUpstream();
        // within Retry-After the gateway answers 503 at once, without asking the upstream again
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(503);
        assertThat(upstream.recordedRequests()).isEmpty();

        ShiftableClock.advance(RETRY_AFTER);
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200)
                .body("models.name", org.hamcrest.Matchers.hasItem("models/gemini-2.5-flash"));
        assertThat(upstreamLists()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void manyListAndGetCallsCauseAtMostOneUpstreamListPerRefreshPeriod() {
        ensureUpstream();
        upstream.clearRecordedRequests();
        ShiftableClock.advance(REFRESH); // the list held is due for a refresh

        readModelsManyTimes(key);
        awaitUpstreamLists(1);
        readModelsManyTimes(key);
        assertThat(upstreamLists()).isEqualTo(1);

        ShiftableClock.advance(REFRESH.minusMinutes(1));
        readModelsManyTimes(key);
        assertThat(upstreamLists()).as("still within the period").isEqualTo(1);

        ShiftableClock.advance(Duration.ofMinutes(1));
        readModelsManyTimes(key);
        awaitUpstreamLists(2);
        readModelsManyTimes(key);
        assertThat(upstreamLists()).isEqualTo(2);
        assertThat(upstream.recordedRequests()).as("a model is read from the list, never fetched on its own")
                .allSatisfy(r -> assertThat(r.path()).isEqualTo("/v1beta/models"));
    }

    @Test
    @Order(3)
    void theListIsTheUpstreamsModelsThatThePricingCatalogPrices() throws Exception {
        ensureUpstream();
        Set<String> priced = pricing.allAt(clock.instant()).stream().map(p -> p.model().value())
                .collect(Collectors.toSet());
        List<String> expected = KnownModel.all().stream().map(KnownModel::id).filter(priced::contains).sorted()
                .map(id -> "models/" + id).toList();
        assertThat(expected).contains("models/gemini-2.5-flash", "models/gemini-2.5-pro", "models/gemini-3.8-flash");
        assertThat(KnownModel.find("gemini-3.7-flash")).as("the upstream lists it; nobody prices it").isNotNull();
        assertThat(priced).doesNotContain("gemini-3.7-flash");

        assertThat(listedNames(key)).isEqualTo(expected);
        given().header("x-goog-api-key", key).get("/v1beta/models/gemini-3.7-flash").then().statusCode(404)
                .body("error.status", equalTo("NOT_FOUND"));
        // priced by V8; served once the upstream lists it (the emulator learns the Gemini 4 models separately)
        assertThat(priced).contains("gemini-4-argon", "gemini-4-hydrogen");
        given().header("x-goog-api-key", key).get("/v1beta/models/gemini-4-argon").then()
                .statusCode(KnownModel.find("gemini-4-argon") == null ? 404 : 200);

        JsonPath flash = given().header("x-goog-api-key", key).get("/v1beta/models/gemini-2.5-flash").then()
                .statusCode(200).extract().jsonPath();
        assertThat(flash.getString("name")).isEqualTo("models/gemini-2.5-flash");
        assertThat(flash.getString("displayName")).isEqualTo("Gemini 2.5 Flash");
        assertThat(flash.getLong("inputTokenLimit")).isEqualTo(1_048_576);
        assertThat(flash.getLong("outputTokenLimit")).isEqualTo(65_536);
        assertThat(flash.getList("supportedGenerationMethods", String.class)).contains("generateContent");

        // a price entered for a model the upstream lists serves it at the next read, without asking the upstream
        await("no refresh in progress", () -> !catalog.status().refreshing());
        upstream.clearRecordedRequests();
        insertPrice("gemini-3.7-flash");
        try {
            pricing.reload();
            assertThat(listedNames(key)).contains("models/gemini-3.7-flash");
            given().header("x-goog-api-key", key).get("/v1beta/models/gemini-3.7-flash").then().statusCode(200);
            assertThat(upstream.recordedRequests()).isEmpty();
        } finally {
            deletePrice("gemini-3.7-flash");
            pricing.reload();
        }
        assertThat(listedNames(key)).doesNotContain("models/gemini-3.7-flash");
    }

    @Test
    @Order(4)
    void aScopedKeySeesOnlyItsModelsAndIsRefusedOthersAsGenerateRefusesThem() {
        ensureUpstream();
        KeyScopes scopes = ChangeApiKeyScopes.scopes(List.of("gemini-2.5-*", "gemini-3.6-flash"), List.of(),
                List.of());
        String scoped = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "scoped", Optional.empty(), scopes,
                ADMIN)).secret().reveal();
        List<String> all = listedNames(key);

        List<String> expected = all.stream().filter(n -> n.startsWith("models/gemini-2.5-")
                || n.equals("models/gemini-3.6-flash")).toList();
        assertThat(expected).contains("models/gemini-2.5-flash", "models/gemini-2.5-pro", "models/gemini-3.6-flash");
        assertThat(listedNames(scoped)).isEqualTo(expected);

        given().header("x-goog-api-key", scoped).get("/v1beta/models/gemini-2.5-pro").then().statusCode(200);
        String refusal = "This API key may not use models/gemini-3.5-flash; its scope allows gemini-2.5-*, "
                + "gemini-3.6-flash.";
        given().header("x-goog-api-key", scoped).get("/v1beta/models/gemini-3.5-flash").then().statusCode(403)
                .body("error.status", equalTo("PERMISSION_DENIED")).body("error.message", equalTo(refusal));
        given().header("x-goog-api-key", scoped).contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")
                .post("/v1beta/models/gemini-3.5-flash:generateContent").then().statusCode(403)
                .body("error.message", equalTo(refusal));
        given().header("x-goog-api-key", scoped).get("/v1beta/models/gemini-0-nothing").then().statusCode(403);

        try (Client client = sdk(scoped)) {
            List<String> names = new ArrayList<>();
            client.models.list(null).forEach(m -> names.add(m.name().orElseThrow()));
            assertThat(names).isEqualTo(expected);
            Model pro = client.models.get("gemini-2.5-pro", null);
            assertThat(pro.inputTokenLimit()).hasValue(1_048_576);
            assertThatThrownBy(() -> client.models.get("gemini-3.5-flash", null))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(403);
                        assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                    });
        }
    }

    @Test
    @Order(5)
    void anUpstreamOutageKeepsServingTheLastGoodCatalog() {
        ensureUpstream();
        String before = given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200)
                .extract().asString();

        upstream.close();
        try {
            ShiftableClock.advance(REFRESH);
            // the read that finds the list due is answered from it at once; the refresh fails in the background
            given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200)
                    .body(equalTo(before));
            await("the refresh to fail", () -> catalog.status().lastAttemptFailed());
            Instant failedAttempt = catalog.status().lastAttempt().orElseThrow();

            for (int i = 0; i < 10; i++) {
                given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200)
                        .body(equalTo(before));
                given().header("x-goog-api-key", key).get("/v1/models/gemini-2.5-flash").then().statusCode(200)
                        .body("inputTokenLimit", equalTo(1_048_576));
            }
            try (Client client = sdk(key)) {
                List<String> names = new ArrayList<>();
                client.models.list(null).forEach(m -> names.add(m.name().orElseThrow()));
                assertThat(names).isEqualTo(JsonPath.from(before).getList("models.name", String.class));
            }
            assertThat(catalog.status().lastAttempt()).as("one attempt per period, outage or not")
                    .contains(failedAttempt);
        } finally {
            startUpstream();
        }

        // back up: the next attempt is a period after the failed one
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200);
        assertThat(upstream.recordedRequests()).isEmpty();
        ShiftableClock.advance(REFRESH);
        given().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200).body(equalTo(before));
        awaitUpstreamLists(1);
        await("the refresh to succeed", () -> !catalog.status().lastAttemptFailed());
    }

    private void readModelsManyTimes(String apiKey) {
        for (int i = 0; i < 10; i++) {
            given().header("x-goog-api-key", apiKey).get("/v1beta/models").then().statusCode(200);
            given().header("x-goog-api-key", apiKey).get("/v1/models").then().statusCode(200);
            given().header("x-goog-api-key", apiKey).get("/v1beta/models/gemini-2.5-flash").then().statusCode(200);
            given().header("x-goog-api-key", apiKey).get("/v1/models/gemini-2.5-pro").then().statusCode(200);
        }
        try (Client client = sdk(apiKey)) {
            client.models.list(null).forEach(m -> assertThat(m.name()).isPresent());
            assertThat(client.models.get("gemini-2.5-flash", null).supportedActions().orElseThrow())
                    .contains("generateContent");
        }
    }

    private List<String> listedNames(String apiKey) {
        return given().header("x-goog-api-key", apiKey).get("/v1beta/models").then().statusCode(200)
                .extract().jsonPath().getList("models.name", String.class);
    }

    /** Whole upstream lists received (a list of several pages counts once). */
    private static long upstreamLists() {
        return upstream.recordedRequests().stream().filter(ModelCatalogEndToEndTest::isFirstListPage).count();
    }

    private static boolean isFirstListPage(RecordedRequest r) {
        return r.method().equals("GET") && r.path().endsWith("/models") && !r.query().contains("pageToken");
    }

    private static void awaitUpstreamLists(int lists) {
        await(lists + " upstream list(s)", () -> upstreamLists() >= lists);
        assertThat(upstreamLists()).isEqualTo(lists);
    }

    /** Polls for what a background refresh does; no fixed sleep stands in for it. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void ensureUpstream() {
        if (upstream == null) {
            startUpstream();
        }
    }

    private void startUpstream() {
        upstream = GeminiEmulator.start(EmulatorConfig.builder().port(URI.create(upstreamUrl).getPort())
                .recordRequests(true).build());
    }

    private Client sdk(String apiKey) {
        return Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build();
    }

    private void insertPrice(String model) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO model_prices (model, effective_from, input_micros_per_million, output_micros_per_million,
                                          cached_input_micros_per_million)
                VALUES (?, '2025-01-01T00:00:00Z', 1000000, 4000000, 100000)""")) {
            s.setString(1, model);
            s.executeUpdate();
        }
    }

    private void deletePrice(String model) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM model_prices WHERE model = ?")) {
            s.setString(1, model);
            s.executeUpdate();
        }
    }
}
