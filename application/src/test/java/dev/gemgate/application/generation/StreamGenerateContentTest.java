package dev.gemgate.application.generation;

import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
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
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamGenerateContentTest {
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03");
    private final FakeGenerationPort upstream = new FakeGenerationPort(List.of("gemini-2.5-flash"));
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final List<String> firstChunks = new ArrayList<>();
    private final RequestMetrics metrics = new RequestMetrics() {
        @Override
        public void record(AuditEvent event) {
        }

        @Override
        public void firstChunk(ModelId model, java.time.Instant at, java.time.Duration sinceStart) {
            assertThat(sinceStart).isPositive();
            firstChunks.add(model.value() + " at " + at);
        }

        @Override
        public void authenticationFailed(String reason) {
        }
    };
    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();
    private final Cancellation cancellation = new Cancellation();

    private StreamGenerateContent useCase() {
        Admission admission = new Admission(quota, ledger, new RequestRecorder(audit, metrics),
                new SequentialIdGenerator(), clock);
        return new StreamGenerateContent(pricing, UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(), upstream,
                pricing, clock, GenerationPolicy.defaults().upstreamTimeout()), admission,
                new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)),
                clock, GenerationPolicy.defaults(), StreamPolicy.defaults());
    }

    private StreamGenerateContent.Command command(String text) {
        Map<String, Object> body = Map.of("contents", List.of(Map.of("role", "user",
                "parts", List.of(Map.of("text", text)))), "generationConfig", Map.of("maxOutputTokens", 100));
        return new StreamGenerateContent.Command(new RequestContext(CALLER, new RequestId("req-0001"),
                Optional.empty(), Optional.empty()), new GenerationRequest(ModelId.parse("gemini-2.5-flash"), body),
                cancellation);
    }

    /** Records what a surface would write; {@code goneAfter} chunks makes the client go away. */
    private static final class RecordingSink implements StreamGenerateContent.ChunkSink {
        final List<String> sent = new ArrayList<>();
        final List<Money> settled = new ArrayList<>();
        boolean completed;
        RuntimeException failedWith;
        int goneAfter = Integer.MAX_VALUE;

        @Override
        public boolean send(StreamChunk chunk) {
            sent.add(chunk.json());
            return sent.size() < goneAfter;
        }

        @Override
        public void settled(Money cost) {
            assertThat(completed || failedWith != null).as("the cost comes before the end").isFalse();
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

    @Test
    void everyChunkIsForwardedAsTheUpstreamWroteItAndTheFinalUsageIsCharged() {
        RecordingSink sink = new RecordingSink();
        useCase().execute(command("Hello there"), sink);

        // "Echo: Hello there" one word per chunk, the upstream's own text each time
        assertThat(sink.sent).containsExactlyElementsOf(upstream.streamedChunks).hasSize(3);
        assertThat(sink.completed).isTrue();
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.STREAM_GENERATE_CONTENT);
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.usage().promptTokens()).isEqualTo(4);
            assertThat(e.usage().candidatesTokens()).isEqualTo(6);
            assertThat(e.cost()).isEqualTo(Money.ofMicros(17));
        });
        assertThat(sink.settled).containsExactly(Money.ofMicros(17));
        assertThat(quota.corrections).containsExactly(10L);
    }

    @Test
    void aStreamsFirstChunkIsObservedOnceUnderTheServingModelAsItsTimeToFirstByte() {
        useCase().execute(command("Hello there"), new RecordingSink());

        assertThat(upstream.streamedChunks).hasSize(3);
        assertThat(firstChunks).containsExactly("gemini-2.5-flash at " + clock.instant());
    }

    @Test
    void aStreamThatFailsBeforeItsFirstChunkHasNoTimeToFirstByte() {
        upstream.failNext(new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, 400, "bad"));

        assertThatThrownBy(() -> useCase().execute(command("Hello there"), new RecordingSink()))
                .isInstanceOf(UpstreamException.class);
        assertThat(firstChunks).isEmpty();
    }

    @Test
    void theEndUserTheCallerNamedIsRecordedOnTheAuditEvent() {
        StreamGenerateContent.Command named = new StreamGenerateContent.Command(new RequestContext(CALLER,
                new RequestId("req-0002"), Optional.empty(), Optional.of("user-42")), command("Hi").request(),
                cancellation);
        useCase().execute(named, new RecordingSink());
        useCase().execute(command("Hi"), new RecordingSink());

        assertThat(audit.all()).extracting(AuditEvent::endUser)
                .containsExactlyInAnyOrder(Optional.of("user-42"), Optional.empty());
    }

    @Test
    void aFailureBeforeTheFirstChunkIsThrownSoTheSurfaceAnswersAnOrdinaryError() {
        upstream.failNext(new UpstreamException(UpstreamException.Kind.RATE_LIMITED, 429, "slow down"));
        RecordingSink sink = new RecordingSink();

        assertThatThrownBy(() -> useCase().execute(command("Hello there"), sink))
                .isInstanceOf(UpstreamException.class);
        assertThat(sink.sent).isEmpty();
        assertThat(sink.failedWith).isNull();
        assertThat(sink.settled).isEmpty(); // an ordinary error response, whose header says zero
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.UPSTREAM_RATE_LIMITED);
            assertThat(e.cost()).isEqualTo(Money.ZERO);
        });
        assertThat(quota.corrections).containsExactly(0L);
    }

    @Test
    void aStreamCutMidwayEndsWithAnErrorEventAndChargesWhatWasProduced() {
        upstream.failStreamAfter(2, new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0, "connection reset"));
        RecordingSink sink = new RecordingSink();

        useCase().execute(command("Hello there"), sink);

        assertThat(sink.sent).hasSize(2);
        assertThat(sink.completed).isFalse();
        assertThat(sink.failedWith).isInstanceOf(UpstreamException.class);
        // no usageMetadata was seen: the prompt estimate (4) and the forwarded text "Echo: Hello" (2 + 2 tokens)
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
            assertThat(e.usage().promptTokens()).isEqualTo(4);
            assertThat(e.usage().candidatesTokens()).isEqualTo(4);
            // 4 x 0.30 + 4 x 2.50 = 11.2 micro-dollars, rounded up
            assertThat(e.cost()).isEqualTo(Money.ofMicros(12));
        });
        assertThat(sink.settled).containsExactly(Money.ofMicros(12)); // what the cut stream was charged
        assertThat(quota.corrections).containsExactly(8L);
    }

    @Test
    void aClientThatGoesAwayStopsTheUpstreamAndIsChargedForWhatWasForwarded() {
        RecordingSink sink = new RecordingSink();
        sink.goneAfter = 1;

        useCase().execute(command("Hello there"), sink);

        assertThat(sink.sent).hasSize(1);
        assertThat(upstream.streamedChunks).hasSize(1); // nothing more was asked of the upstream
        assertThat(sink.completed).isFalse();
        assertThat(sink.failedWith).isNull();
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.CLIENT_CLOSED);
            assertThat(e.usage().candidatesTokens()).isEqualTo(2); // "Echo:"
            assertThat(e.cost()).isGreaterThan(Money.ZERO);
        });
        assertThat(sink.settled).isEmpty(); // nobody is left to read it
    }

    @Test
    void aBudgetThatCannotAffordTheStreamRefusesItBeforeTheUpstream() {
        ledger = new InMemoryBudgetLedger(Optional.of(new Budget(CALLER.tenant(), Optional.empty(),
                BudgetPeriod.LIFETIME, Money.ofMicros(1))));
        RecordingSink sink = new RecordingSink();

        assertThatThrownBy(() -> useCase().execute(command("Hello there"), sink))
                .isInstanceOf(LimitExceededException.class);
        assertThat(upstream.received).isEmpty();
        assertThat(sink.sent).isEmpty();
        assertThat(audit.all()).singleElement().extracting(AuditEvent::outcome).isEqualTo(Outcome.BUDGET_REFUSED);
    }

    @Test
    void anAlreadyCancelledCallIsAbandonedWithoutCharge() {
        cancellation.cancel();
        RecordingSink sink = new RecordingSink();

        useCase().execute(command("Hello there"), sink);

        assertThat(sink.sent).isEmpty();
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.CLIENT_CLOSED);
            assertThat(e.cost()).isEqualTo(Money.ZERO);
        });
    }
}
