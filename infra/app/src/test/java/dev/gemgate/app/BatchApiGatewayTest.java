package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJob;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.Content;
import com.google.genai.types.CreateBatchJobConfig;
import com.google.genai.types.EmbedContentBatch;
import com.google.genai.types.EmbeddingsBatchJobSource;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.InlinedResponse;
import com.google.genai.types.ListBatchJobsConfig;
import com.google.genai.types.Part;
import dev.gemgate.adapter.persistence.DatabaseGuard;
import dev.gemgate.adapter.persistence.PostgresBatchJobs;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.BudgetSpec;
import dev.gemgate.application.resource.BatchPoller;
import dev.gemgate.application.resource.BatchSettings;
import dev.gemgate.application.resource.BatchSettlement;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.UpstreamKeyVault;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.RecordedRequest;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Batch API through Gemgate with the official google-genai SDK as the tenant's client, on the emulator (whose jobs
 * advance one step per get): create, get, results, list, cancel, delete; the ledger charging the batch at half the
 * standard price of the same requests; two tenants kept apart; two pollers on two connection pools settling a job
 * exactly once. The poller does not run by itself in tests: they run its rounds on the shiftable clock.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class BatchApiGatewayTest {
    private static final String MODEL = "gemini-2.5-flash";
    private static final AdminActor ADMIN = new AdminActor("sub-batch-test", "Batch Test", "192.0.2.40");

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AddBudget addBudget;

    @Inject
    AuditLog auditLog;

    @Inject
    DataSource dataSource;

    @Inject
    TenantResources resources;

    @Inject
    BatchPoller poller;

    @Inject
    BatchSettlement settlement;

    @Inject
    BatchesPort batches;

    @Inject
    UpstreamKeyVault vault;

    @Inject
    BatchSettings settings;

    @Inject
    java.time.Clock clock;

    private Tenant tenantA;
    private Tenant tenantB;
    private String keyA;
    private String keyB;

    @BeforeEach
    void tenants() {
        tenantA = createTenant.execute(new CreateTenant.Command("batch-a-" + UUID.randomUUID()));
        tenantB = createTenant.execute(new CreateTenant.Command("batch-b-" + UUID.randomUUID()));
        keyA = issueApiKey.execute(new IssueApiKey.Command(tenantA.id(), "batch a")).secret().reveal();
        keyB = issueApiKey.execute(new IssueApiKey.Command(tenantB.id(), "batch b")).secret().reveal();
        // a budget, so that the batch's reservation and settlement are rows of the ledger
        addBudget.execute(new AddBudget.Command(tenantA.id(), new BudgetSpec(BudgetScope.TENANT, Optional.empty(),
                Optional.empty(), BudgetPeriod.LIFETIME, ZoneOffset.UTC, Money.ofDollars("100"), List.of()),
                ADMIN));
    }

    @AfterEach
    void clock() {
        ShiftableClock.reset();
    }

    private Client sdk(String apiKey) {
        return Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder().baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build()).build()).build();
    }

    private static GenerateContentConfig config() {
        return GenerateContentConfig.builder().maxOutputTokens(200).build();
    }

    private static BatchJobSource inlined(String... texts) {
        List<InlinedRequest> requests = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            requests.add(InlinedRequest.builder().contents(Content.builder().role("user")
                    .parts(Part.fromText(texts[i])).build()).config(config()).metadata(Map.of("key", "r" + i))
                    .build());
        }
        return BatchJobSource.builder().inlinedRequests(requests).build();
    }

    private List<AuditEvent> events(Tenant tenant, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(type), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(2)), 1000));
    }

    /** The settlement row of the reservation of request {@code requestId} (written off the request path). */
    private Optional<Long> settledMicros(String requestId) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT s.amount_micros FROM budget_reservations r JOIN budget_settlements s "
                            + "ON s.reservation_id = r.reservation_id WHERE r.request_id = ?")) {
                s.setString(1, requestId);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return Optional.of(r.getLong(1));
                    }
                }
            }
            Thread.sleep(25); // the settlement row is written on a virtual thread of its own
        }
        return Optional.empty();
    }

    @Test
    void anInlinedBatchRunsThroughTheGatewayAndIsChargedHalfTheStandardPriceOfTheSameRequests() throws Exception {
        String[] texts = {"Hello, batch!", "Why is the sky blue?", "Count to three."};
        String name;
        try (Client client = sdk(keyA)) {
            BatchJob created = client.batches.create(MODEL, inlined(texts),
                    CreateBatchJobConfig.builder().displayName("nightly").build());
            name = created.name().orElseThrow();
            assertThat(name).matches("batches/[a-z0-9]{36}");
            assertThat(created.state().orElseThrow().toString()).isEqualTo("JOB_STATE_PENDING");
            assertThat(created.displayName()).contains("nightly");

            assertThat(client.batches.get(name, null).state().orElseThrow().toString())
                    .isEqualTo("JOB_STATE_RUNNING");
            BatchJob done = client.batches.get(name, null);
            assertThat(done.state().orElseThrow().toString()).isEqualTo("JOB_STATE_SUCCEEDED");
            List<InlinedResponse> results = done.dest().orElseThrow().inlinedResponses().orElseThrow();
            assertThat(results).extracting(r -> r.response().orElseThrow().text())
                    .containsExactly("Echo: Hello, batch!", "Echo: Why is the sky blue?", "Echo: Count to three.");

            // the same requests, one by one at the standard price
            for (String text : texts) {
                client.models.generateContent(MODEL, text, config());
            }
        }
        List<AuditEvent> standard = events(tenantA, AuditEventType.GENERATE_CONTENT);
        assertThat(standard).hasSize(3);
        long halfOfEach = standard.stream().mapToLong(e -> Math.ceilDiv(e.cost().micros(), 2)).sum();
        assertThat(halfOfEach).isPositive();

        AuditEvent created = events(tenantA, AuditEventType.BATCH_GENERATE_CONTENT).getFirst();
        assertThat(created.cost()).isEqualTo(Money.ZERO);
        assertThat(events(tenantA, AuditEventType.BATCH_SETTLED)).singleElement().satisfies(e -> {
            assertThat(e.cost().micros()).isEqualTo(halfOfEach);
            assertThat(e.usage()).isEqualTo(standard.stream().map(AuditEvent::usage).reduce(Usage.NONE,
                    (a, b) -> new Usage(a.promptTokens() + b.promptTokens(),
                            a.candidatesTokens() + b.candidatesTokens(), 0, 0)));
            assertThat(e.requestId()).isEqualTo(created.requestId());
            assertThat(e.model().orElseThrow().value()).isEqualTo(MODEL);
        });
        // the ledger: the reservation taken at creation is settled with exactly that
        assertThat(settledMicros(created.requestId().value())).contains(halfOfEach);
        TenantResource row = resources.find(tenantA.id(), new UpstreamResourceName(ResourceKind.BATCH, name))
                .orElseThrow();
        assertThat(row.settled().micros()).isEqualTo(halfOfEach);
        assertThat(row.reserved().micros()).isGreaterThanOrEqualTo(halfOfEach);
        assertThat(row.state()).isEqualTo("BATCH_STATE_SUCCEEDED");

        // a third get settles nothing more
        try (Client client = sdk(keyA)) {
            client.batches.get(name, null);
        }
        assertThat(events(tenantA, AuditEventType.BATCH_SETTLED)).hasSize(1);
    }

    @Test
    void anEmbeddingsBatchFinishesByTheEmulatorsClockAndIsChargedHalfOfTheSameEmbeddings() throws Exception {
        String name;
        try (Client client = sdk(keyA)) {
            name = client.batches.createEmbeddings("gemini-embedding-001", EmbeddingsBatchJobSource.builder()
                    .inlinedRequests(EmbedContentBatch.builder().contents(Content.fromParts(Part.fromText("hello")),
                            Content.fromParts(Part.fromText("embedding world"))).build()).build(), null)
                    .name().orElseThrow();
            assertThat(GatewayTestResources.emulator().recordedRequests().getLast().path())
                    .endsWith("/models/gemini-embedding-001:asyncBatchEmbedContent");
            GatewayTestResources.emulator().advanceClock(EmulatorConfig.DEFAULT_BATCH_COMPLETION_TIME);
            assertThat(client.batches.get(name, null).state().orElseThrow().toString())
                    .isEqualTo("JOB_STATE_SUCCEEDED");
        }
        for (String text : List.of("hello", "embedding world")) {
            assertThat(given().header("x-goog-api-key", keyA).contentType(ContentType.JSON)
                    .body("{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}]}}")
                    .post("/v1beta/models/gemini-embedding-001:embedContent").statusCode()).isEqualTo(200);
        }
        long halfOfEach = events(tenantA, AuditEventType.EMBED_CONTENT).stream()
                .mapToLong(e -> Math.ceilDiv(e.cost().micros(), 2)).sum();
        assertThat(halfOfEach).isPositive();
        AuditEvent created = events(tenantA, AuditEventType.ASYNC_BATCH_EMBED_CONTENT).getFirst();
        assertThat(events(tenantA, AuditEventType.BATCH_SETTLED)).singleElement().satisfies(e -> {
            assertThat(e.cost().micros()).isEqualTo(halfOfEach);
            assertThat(e.requestId()).isEqualTo(created.requestId());
        });
        assertThat(settledMicros(created.requestId().value())).contains(halfOfEach);
    }

    @Test
    void batchesAreListedFromTheStoreCancelledSettledForWhatRanAndDeletedUnderV1AndV1beta() throws Exception {
        String first;
        String second;
        try (Client client = sdk(keyA)) {
            first = client.batches.create(MODEL, inlined("one"), null).name().orElseThrow();
            second = client.batches.create(MODEL, inlined("a", "b", "c", "d"), null).name().orElseThrow();
            List<String> listed = new ArrayList<>();
            client.batches.list(ListBatchJobsConfig.builder().pageSize(1).build())
                    .forEach(b -> listed.add(b.name().orElseThrow()));
            assertThat(listed).containsExactly(second, first);

            assertThat(client.batches.get(second, null).state().orElseThrow().toString())
                    .isEqualTo("JOB_STATE_RUNNING"); // 2 of 4 ran
            client.batches.cancel(second, null);
            BatchJob cancelled = client.batches.get(second, null);
            assertThat(cancelled.state().orElseThrow().toString()).isEqualTo("JOB_STATE_CANCELLED");
            assertThat(cancelled.dest().orElseThrow().inlinedResponses().orElseThrow()).hasSize(2);
        }
        AuditEvent settled = events(tenantA, AuditEventType.BATCH_SETTLED).getFirst();
        assertThat(settled.detail()).startsWith("BATCH_STATE_CANCELLED: 2 of 4");

        // raw REST under /v1beta: the list comes from the store ({"operations":[...]}), delete answers {}
        Response page = given().header("x-goog-api-key", keyA).get("/v1beta/batches?pageSize=10");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.jsonPath().getList("operations.name")).containsExactly(second, first);
        assertThat(page.jsonPath().getString("operations[0].metadata.state")).isEqualTo("BATCH_STATE_CANCELLED");
        assertThat(page.asString()).doesNotContain("inlinedResponses");
        Response deleted = given().header("x-goog-api-key", keyA).delete("/v1beta/" + first);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.asString()).isEqualTo("{}");
        // the deleted job had not ended: it was cancelled and settled before it was deleted
        assertThat(events(tenantA, AuditEventType.BATCH_SETTLED)).hasSize(2);
        try (Client client = sdk(keyA)) {
            assertThatThrownBy(() -> client.batches.get(first, null)).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.code()).isEqualTo(404));
            client.batches.delete(second, null);
            assertThat(client.batches.list(null).iterator().hasNext()).isFalse();
        }
        assertThat(given().header("x-goog-api-key", keyA).get("/v1/batches").asString()).isEqualTo("{}");
    }

    /** A refusal's body with its request id (the only part that differs between requests) blanked. */
    private static String refusal(Response response) {
        String id = response.header("x-gemgate-request-id");
        return response.statusCode() + " " + (id == null ? response.asString()
                : response.asString().replace(id, "<request-id>"));
    }

    @Test
    void tenantBCannotSeeListCancelDeleteOrUseTenantAsBatchOrFileAndNothingOfItReachesTheUpstream() {
        String name;
        try (Client client = sdk(keyA)) {
            name = client.batches.create(MODEL, inlined("A's secret job"), null).name().orElseThrow();
        }
        String id = name.substring("batches/".length());
        // A's own file (recorded as the Files API records an upload)
        String fileId = "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 11);
        TenantResource job = resources.find(tenantA.id(), new UpstreamResourceName(ResourceKind.BATCH, name))
                .orElseThrow();
        resources.record(TenantResource.created(UUID.randomUUID(), UpstreamResourceName.of(ResourceKind.FILE, fileId),
                tenantA.id(), job.apiKey(), job.credential(), Optional.empty(), "ACTIVE", Optional.empty(),
                clock.instant()).withSizeBytes(1000));
        int before = GatewayTestResources.emulator().recordedRequests().size();

        String never = "batches/" + "z".repeat(36);
        for (String version : List.of("v1beta", "v1")) {
            for (String method : List.of("GET", "DELETE", "CANCEL")) {
                String mine = refusal(call(keyB, method, "/" + version + "/" + name));
                String none = refusal(call(keyB, method, "/" + version + "/" + never));
                assertThat(mine).isEqualTo(none).startsWith("404 ").contains("Requested entity was not found.");
            }
        }
        try (Client client = sdk(keyB)) {
            assertThatThrownBy(() -> client.batches.get(name, null)).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.code()).isEqualTo(404));
            assertThat(client.batches.list(null).iterator().hasNext()).isFalse();
            assertThatThrownBy(() -> client.batches.create(MODEL, BatchJobSource.builder()
                    .fileName("files/" + fileId).build(), null)).isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(403);
                        assertThat(e.message()).contains("You do not have permission to access the File " + fileId
                                + " or it may not exist.");
                    });
        }
        // B's refusal for A's file is the words Google (the emulator) answers for a file that does not exist
        String body = "{\"batch\":{\"inputConfig\":{\"fileName\":\"files/" + fileId + "\"}}}";
        Response fromGateway = given().header("x-goog-api-key", keyB).contentType(ContentType.JSON).body(body)
                .post("/v1beta/models/" + MODEL + ":batchGenerateContent");
        int seen = GatewayTestResources.emulator().recordedRequests().size();
        assertThat(seen).isEqualTo(before); // nothing B did reached the upstream
        Response fromGoogle = given().baseUri(GatewayTestResources.emulator().baseUrl())
                .header("x-goog-api-key", "emulator-test-key").contentType(ContentType.JSON).body(body)
                .post("/v1beta/models/" + MODEL + ":batchGenerateContent");
        assertThat(fromGateway.statusCode()).isEqualTo(fromGoogle.statusCode()).isEqualTo(403);
        assertThat(fromGateway.jsonPath().getString("error.message"))
                .isEqualTo(fromGoogle.jsonPath().getString("error.message"));
        assertThat(fromGateway.jsonPath().getString("error.status")).isEqualTo("PERMISSION_DENIED");

        List<RecordedRequest> after = GatewayTestResources.emulator().recordedRequests();
        assertThat(after.subList(before, seen)).isEmpty();
        assertThat(after).noneMatch(r -> r.path().contains(fileId) && !r.path().startsWith("/v1beta/models"));
        assertThat(after.subList(0, before)).filteredOn(r -> r.path().contains(id)).isEmpty(); // A never polled yet
        // A still sees and reaches its own job
        try (Client client = sdk(keyA)) {
            assertThat(client.batches.get(name, null).name()).contains(name);
        }
    }

    private static Response call(String key, String method, String path) {
        var request = given().header("x-goog-api-key", key);
        return switch (method) {
            case "GET" -> request.get(path);
            case "DELETE" -> request.delete(path);
            default -> request.contentType(ContentType.JSON).body("{}").post(path + ":cancel");
        };
    }

    @Test
    void twoPollersOnTwoConnectionPoolsSettleAJobExactlyOnceWithoutAnyoneAskingForIt() throws Exception {
        String name;
        try (Client client = sdk(keyA)) {
            name = client.batches.create(MODEL, inlined("polled one", "polled two"), null).name().orElseThrow();
        }
        String requestId = events(tenantA, AuditEventType.BATCH_GENERATE_CONTENT).getFirst().requestId().value();
        try (AgroalDataSource secondPool = secondPool()) {
            BatchPoller other = new BatchPoller(new PostgresBatchJobs(secondPool,
                    new DatabaseGuard(Duration.ofSeconds(2))), resources, batches, vault, settlement, clock,
                    settings, "second-replica");
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                // rounds of both replicas at once (jobs left by other tests of this boot are polled too)
                for (int round = 0; round < 6 && events(tenantA, AuditEventType.BATCH_SETTLED).isEmpty(); round++) {
                    ShiftableClock.advance(settings.maxPollGap());
                    for (Future<Integer> f : threads.invokeAll(List.<Callable<Integer>>of(poller::pollDue,
                            other::pollDue))) {
                        f.get();
                    }
                }
            } finally {
                threads.shutdownNow();
            }
        }
        String id = name.substring("batches/".length());
        List<RecordedRequest> polls = GatewayTestResources.emulator().recordedRequests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith(id)).toList();
        assertThat(polls).hasSize(2); // PENDING -> RUNNING -> SUCCEEDED: one poll per round, never two at once
        assertThat(events(tenantA, AuditEventType.BATCH_SETTLED)).singleElement()
                .satisfies(e -> assertThat(e.requestId().value()).isEqualTo(requestId));
        assertThat(settledMicros(requestId)).hasValueSatisfying(m -> assertThat(m).isPositive());
        ShiftableClock.advance(Duration.ofHours(1));
        assertThat(poller.pollDue()).isZero();
        assertThat(GatewayTestResources.emulator().recordedRequests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith(id))).hasSize(2);
    }

    private static AgroalDataSource secondPool() throws Exception {
        var config = ConfigProvider.getConfig();
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.maxSize(4).acquisitionTimeout(Duration.ofSeconds(5))
                        .connectionFactoryConfiguration(factory -> factory
                                .jdbcUrl(config.getValue("quarkus.datasource.jdbc.url", String.class))
                                .principal(new NamePrincipal(config.getValue("quarkus.datasource.username",
                                        String.class)))
                                .credential(new SimplePassword(config.getValue("quarkus.datasource.password",
                                        String.class))))));
    }
}
