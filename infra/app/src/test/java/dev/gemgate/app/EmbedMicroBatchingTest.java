package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.UpstreamCircuits;
import dev.gemgate.emulator.EmulatorEmbeddings;
import dev.gemgate.emulator.GeminiEmulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Micro-batching of embeddings end to end: 100 concurrent {@code embedContent} calls of the google-genai SDK through the
 * gateway reach the emulator as a few batchEmbedContents calls, and each caller is answered, charged and audited on
 * its own; a combined call that fails with a 503 is resent per caller, so no caller sees it, nothing is retried and the
 * circuit stays closed. Uses the app's configuration ({@code %test} widens the window so that the grouping does not
 * depend on how fast this loaded machine admits 100 requests). Batching happens only under contention (a call with
 * nothing in flight goes alone, at once), so the emulator answers as slowly as Google does (300 ms a call here), which
 * keeps calls in flight while the others arrive.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class EmbedMicroBatchingTest {
    private static final String MODEL = "gemini-embedding-001";
    private static final int CALLERS = 100;

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    @Inject
    PricingCatalog pricing;

    @Inject
    UpstreamCircuits circuits;

    @Inject
    MeterRegistry registry;

    @Test
    void hundredConcurrentSdkEmbedsGoUpstreamAsAFewCallsAndEachCallerGetsItsOwnVectorChargeAndEvent()
            throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("embed-batch-" + UUID.randomUUID()));
        IssueApiKey.Issued issued = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "micro-batching"));
        GeminiEmulator emulator = GatewayTestResources.emulator();
        emulator.actionLog().clear();
        emulator.faults().forModel(MODEL).latency(-1, Duration.ofMillis(300)); // as slow as Google, until cleared
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            texts.add("caller " + i + " says" + " word".repeat(i)); // a length of its own: a charge of its own
        }
        Instant started = Instant.now();

        List<ContentEmbedding> answers;
        try {
            answers = embedTogether(issued, texts);
        } finally {
            emulator.faults().forModel(MODEL).clear();
        }

        assertOwnVectors(texts, answers);
        // the SDK's embedContent is a batchEmbedContents call of one item, so a caller alone is one too
        long calls = emulator.actionLog().calls(MODEL, "batchEmbedContents");
        long largest = emulator.actionLog().usage(MODEL, "batchEmbedContents").largestCall();
        System.out.printf("micro-batching: %d callers -> %d upstream calls, largest %d%n", CALLERS, calls, largest);
        // the first went alone at once (nothing in flight); the others waited in batches while calls were in flight
        assertThat(emulator.actionLog().items(MODEL, "batchEmbedContents")).isEqualTo(CALLERS);
        assertThat(calls).as("upstream calls for %d callers", CALLERS).isBetween(2L, 10L);
        assertThat(largest).isGreaterThan(1);
        assertThat(emulator.actionLog().calls(MODEL, "embedContent")).isZero();

        // the ledger's view: one event per caller, each charged for its own text, as an unbatched call would be
        ModelPrice price = pricing.priceAt(new ModelId(MODEL), Instant.now()).orElseThrow();
        CostCalculator costs = new CostCalculator();
        List<Long> expectedTokens = texts.stream().map(TokenEstimator::countText).sorted().toList();
        List<AuditEvent> events = auditLog.query(new AuditQuery(Optional.of(tenant.id()),
                Optional.of(AuditEventType.EMBED_CONTENT), started.minusSeconds(60), Instant.now().plusSeconds(60),
                CALLERS * 2));
        assertThat(events).hasSize(CALLERS).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            Money own = costs.cost(price, new Usage(e.usage().promptTokens(), 0, 0, 0));
            assertThat(e.cost()).isEqualTo(own);
            assertThat(e.cost().micros()).isPositive();
        });
        assertThat(events.stream().map(e -> e.usage().promptTokens()).sorted().toList()).isEqualTo(expectedTokens);
        assertThat(events.stream().map(AuditEvent::requestId).distinct()).hasSize(CALLERS);
    }

    @Test
    void aCombinedCallThatFailsWith503IsResentPerCallerSoNobodyRetriesAndTheCircuitStaysClosed() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("embed-batch-503-" + UUID.randomUUID()));
        IssueApiKey.Issued issued = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "micro-batching"));
        GeminiEmulator emulator = GatewayTestResources.emulator();
        emulator.actionLog().clear();
        double retriedBefore = retries();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.add("resent caller " + i);
        }
        List<ContentEmbedding> answers;
        try (ExecutorService held = Executors.newVirtualThreadPerTaskExecutor()) {
            // a held call keeps the key in flight; once it reached the emulator, the next call (the first combined
            // one) answers 503, once
            emulator.faults().forModel(MODEL).latency(1, Duration.ofMillis(800));
            Future<List<ContentEmbedding>> heldCall = held.submit(() -> embedTogether(issued, List.of("held")));
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!emulator.faults().forModel(MODEL).pending().isEmpty()) {
                assertThat(System.nanoTime()).as("the held call reached the emulator").isLessThan(giveUp);
                Thread.sleep(2);
            }
            emulator.faults().forModel(MODEL).serverError(1, 503);

            answers = embedTogether(issued, texts);
            heldCall.get();
        } finally {
            emulator.faults().forModel(MODEL).clear();
        }

        assertOwnVectors(texts, answers);
        long calls = emulator.actionLog().calls(MODEL, "batchEmbedContents");
        long items = emulator.actionLog().items(MODEL, "batchEmbedContents");
        System.out.printf("micro-batching, a 503: %d callers + the held one -> %d upstream calls of %d embeddings%n",
                texts.size(), calls, items);
        assertThat(emulator.faults().forModel(MODEL).pending()).isEmpty(); // the first combined call had the 503
        // its callers were sent again alone: more embeddings went upstream than the 21 callers, in more calls
        assertThat(items).isGreaterThan(1 + texts.size());
        assertThat(calls).isGreaterThanOrEqualTo(2 + items - (1 + texts.size()));
        // no caller saw the 503: none was retried, and the breaker counted no failure
        assertThat(retries()).isEqualTo(retriedBefore);
        assertThat(circuits.states().values()).allSatisfy(byModel ->
                assertThat(byModel.getOrDefault(new ModelId(MODEL), CircuitState.CLOSED))
                        .isEqualTo(CircuitState.CLOSED));
        assertThat(registry.find("gemgate.upstream.circuit.opened").tag("model", MODEL).counters())
                .allSatisfy(opened -> assertThat(opened.count()).isZero());
    }

    /** The upstream attempts made again for the embedding model, whatever the failure before. */
    private double retries() {
        return registry.find("gemgate.upstream.retries").tag("model", MODEL).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Each text's embedContent through the gateway with the google-genai SDK, all at once; the answers in order. */
    private List<ContentEmbedding> embedTogether(IssueApiKey.Issued issued, List<String> texts) throws Exception {
        List<ContentEmbedding> answers = new ArrayList<>();
        try (Client client = Client.builder().apiKey(issued.secret().reveal()).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build();
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ContentEmbedding>> results = new ArrayList<>();
            for (String text : texts) {
                results.add(callers.submit(() -> {
                    go.await();
                    return client.models.embedContent(MODEL, text,
                            EmbedContentConfig.builder().outputDimensionality(8).build())
                            .embeddings().orElseThrow().getFirst();
                }));
            }
            go.countDown();
            for (Future<ContentEmbedding> result : results) {
                answers.add(result.get());
            }
        }
        return answers;
    }

    private static void assertOwnVectors(List<String> texts, List<ContentEmbedding> answers) {
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = EmulatorEmbeddings.embed(texts.get(i), 8);
            List<Float> values = answers.get(i).values().orElseThrow();
            assertThat(values).hasSize(8);
            for (int d = 0; d < 8; d++) {
                assertThat(values.get(d)).isCloseTo(expected[d], within(1e-6f));
            }
        }
    }
}
