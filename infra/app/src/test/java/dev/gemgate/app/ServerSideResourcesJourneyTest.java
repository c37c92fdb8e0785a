package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJob;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.CachedContent;
import com.google.genai.types.Content;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.InlinedResponse;
import com.google.genai.types.Part;
import com.google.genai.types.UploadFileConfig;
import dev.gemgate.application.resource.CacheStorageSweep;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 19's journey through the google-genai Java SDK, one tenant from start to end: it uploads a file, uses it in a
 * generation, makes a context cache of it and asks with the cache, and submits a batch that names the file and reads
 * its results. The audit ledger then shows the cache's tokens at the cached rate, the cache's storage by the hour, and
 * the batch at half the standard price of the same requests. On the way, a second tenant that names the first one's
 * file in a cache of its own is refused as for a file that never existed, and nothing of it reaches the upstream.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class ServerSideResourcesJourneyTest {
    private static final String MODEL = "gemini-2.5-flash";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    @Inject
    CacheStorageSweep sweep;

    @Inject
    Clock clock;

    @AfterEach
    void realTime() {
        ShiftableClock.reset();
    }

    private Client sdk(String apiKey) {
        return Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder().baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build()).build()).build();
    }

    private List<AuditEvent> events(Tenant tenant, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(type), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(30)), 1000));
    }

    @Test
    void aTenantUploadsUsesCachesAndBatchesItsFileAndTheLedgerShowsEachAtItsOwnRate() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("journey-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "journey")).secret().reveal();
        Tenant other = createTenant.execute(new CreateTenant.Command("journey-other-" + UUID.randomUUID()));
        String otherKey = issueApiKey.execute(new IssueApiKey.Command(other.id(), "other")).secret().reveal();
        // the gateway's clock keeps step with the emulator's (Google's), which other tests may have moved on
        Duration behind = Duration.between(clock.instant(), GatewayTestResources.emulator().now());
        if (behind.isPositive()) {
            ShiftableClock.advance(behind);
        }

        try (Client client = sdk(key)) {
            // 1. a file, uploaded through the gateway, used in a generation
            File file = client.files.upload("Minutes of the board meeting.".getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("text/plain").displayName("minutes").build());
            Part filePart = Part.fromUri(file.uri().orElseThrow(), "text/plain");
            GenerateContentResponse withFile = client.models.generateContent(MODEL,
                    Content.fromParts(Part.fromText("Summarise"), filePart), null);
            assertThat(withFile.text()).isNotBlank();

            // 2. a context cache made of the file and a long document, then a question asked with it
            CachedContent cache = client.caches.create(MODEL, CreateCachedContentConfig.builder()
                    .contents(Content.builder().role("user").parts(filePart, Part.fromText(
                            "The quick brown fox jumps over the lazy dog. ".repeat(150))).build())
                    .ttl(Duration.ofHours(2)).build());
            long cachedTokens = cache.usageMetadata().orElseThrow().totalTokenCount().orElseThrow();

            // the other tenant cannot build a cache on this tenant's file: refused as a file that never existed
            GatewayTestResources.emulator().clearRecordedRequests();
            String id = file.name().orElseThrow().substring("files/".length());
            try (Client intruder = sdk(otherKey)) {
                for (String named : List.of(id, "zz" + id.substring(2))) {
                    assertThatThrownBy(() -> intruder.caches.create(MODEL, CreateCachedContentConfig.builder()
                            .contents(Content.builder().role("user").parts(Part.fromUri(
                                    file.uri().orElseThrow().replace(id, named), "text/plain")).build()).build()))
                            .isInstanceOfSatisfying(ClientException.class, e -> {
                                assertThat(e.code()).isEqualTo(403);
                                assertThat(e.message()).startsWith("You do not have permission to access the File "
                                        + named + " or it may not exist.");
                            });
                }
            }
            assertThat(GatewayTestResources.emulator().recordedRequests()).isEmpty();

            GenerateContentResponse withCache = client.models.generateContent(MODEL, "What did the fox do?",
                    GenerateContentConfig.builder().cachedContent(cache.name().orElseThrow()).maxOutputTokens(50)
                            .build());
            GenerateContentResponseUsageMetadata usage = withCache.usageMetadata().orElseThrow();
            assertThat(usage.cachedContentTokenCount()).hasValue((int) cachedTokens);
            long prompt = usage.promptTokenCount().orElseThrow();
            long output = usage.candidatesTokenCount().orElse(0) + usage.thoughtsTokenCount().orElse(0);
            // gemini-2.5-flash: input 0.30, cached input 0.03, output 2.50 per 1M tokens, rounded up once
            Money atTheCachedRate = Money.ofMicros(Math.ceilDiv((prompt - cachedTokens) * 300_000
                    + cachedTokens * 30_000 + output * 2_500_000, 1_000_000));
            assertThat(events(tenant, AuditEventType.GENERATE_CONTENT)).filteredOn(e -> e.usage().cachedTokens() > 0)
                    .singleElement().satisfies(e -> assertThat(e.cost()).isEqualTo(atTheCachedRate));

            // 3. a batch whose requests name the file, read back when done
            List<InlinedRequest> requests = List.of(
                    InlinedRequest.builder().contents(Content.builder().role("user").parts(Part.fromText(
                            "What are these minutes about?"), filePart).build()).metadata(Map.of("key", "q1")).build(),
                    InlinedRequest.builder().contents(Content.builder().role("user").parts(Part.fromText(
                            "Who attended?")).build()).metadata(Map.of("key", "q2")).build());
            BatchJob created = client.batches.create(MODEL, BatchJobSource.builder().inlinedRequests(requests).build(),
                    null);
            String batch = created.name().orElseThrow();
            BatchJob done = client.batches.get(batch, null);
            for (int i = 0; i < 5 && !done.state().orElseThrow().toString().equals("JOB_STATE_SUCCEEDED"); i++) {
                done = client.batches.get(batch, null);
            }
            List<InlinedResponse> results = done.dest().orElseThrow().inlinedResponses().orElseThrow();
            assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.response().orElseThrow().text()).isNotBlank());
            List<RecordedRequest> upstream = GatewayTestResources.emulator().recordedRequests();
            assertThat(upstream).anySatisfy(r -> {
                assertThat(r.path()).endsWith(":batchGenerateContent");
                assertThat(r.body()).contains(file.uri().orElseThrow());
            });

            // the same two requests one by one at the standard price: the batch was charged half of each
            client.models.generateContent(MODEL, Content.fromParts(Part.fromText("What are these minutes about?"),
                    filePart), null);
            client.models.generateContent(MODEL, "Who attended?", null);
            List<AuditEvent> generations = events(tenant, AuditEventType.GENERATE_CONTENT).stream()
                    .sorted(java.util.Comparator.comparing(AuditEvent::occurredAt)).toList();
            long halfOfEach = generations.subList(generations.size() - 2, generations.size()).stream()
                    .mapToLong(e -> Math.ceilDiv(e.cost().micros(), 2)).sum();
            assertThat(halfOfEach).isPositive();
            assertThat(events(tenant, AuditEventType.BATCH_SETTLED)).singleElement()
                    .satisfies(e -> assertThat(e.cost().micros()).isEqualTo(halfOfEach));

            // 4. the cache's storage: its two hours, once it has expired and the sweep charged it
            ShiftableClock.advance(Duration.ofHours(3));
            sweep.run();
            Money storage = events(tenant, AuditEventType.CACHE_STORAGE_CHARGED).stream().map(AuditEvent::cost)
                    .reduce(Money.ZERO, Money::plus);
            // tokens x 2 hours x 1.00 per 1M tokens per hour
            assertThat(storage).isEqualTo(Money.ofMicros(cachedTokens * 2));
            assertThat(events(tenant, AuditEventType.CREATE_CACHED_CONTENT)).singleElement()
                    .satisfies(e -> assertThat(e.cost()).isEqualTo(Money.ofMicros(
                            Math.ceilDiv(cachedTokens * 300_000, 1_000_000))));
        }
    }
}
