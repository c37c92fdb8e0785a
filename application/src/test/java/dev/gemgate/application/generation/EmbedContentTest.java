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
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbedContentTest {
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final ModelId EMBEDDING = ModelId.parse("gemini-embedding-001");

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-embedding-001", "0.15", "0", "0.015");
    private final FakeGenerationPort upstream = new FakeGenerationPort(List.of("gemini-embedding-001"));
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private final InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();

    private EmbedContent useCase() {
        RequestMetrics metrics = new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        };
        Admission admission = new Admission(quota, ledger, new RequestRecorder(audit, metrics),
                new SequentialIdGenerator(), clock);
        return new EmbedContent(pricing, UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(), upstream, pricing, clock,
                GenerationPolicy.defaults().upstreamTimeout()), admission, clock, GenerationPolicy.defaults());
    }

    private static EmbedContent.Command command(EmbeddingRequest request) {
        return new EmbedContent.Command(new RequestContext(CALLER, new RequestId("req-0001"), Optional.empty(),
                Optional.empty()), request);
    }

    private static Map<String, Object> content(String text) {
        return Map.of("parts", List.of(Map.of("text", text)));
    }

    @Test
    void aBatchIsAdmittedPricedAndAuditedByItsInputTokens() {
        EmbeddingRequest request = new EmbeddingRequest(EMBEDDING, EmbeddingRequest.Method.BATCH_EMBED_CONTENTS,
                Map.of("requests", List.of(
                        Map.of("model", "models/gemini-embedding-001", "content", content("Hello there")),
                        Map.of("model", "models/gemini-embedding-001", "content", content("General Kenobi")))),
                Optional.empty());

        EmbedContent.Result result = useCase().execute(command(request));
        EmbeddingResponse response = result.response();

        assertThat(result.inputTokens()).isEqualTo(8);
        assertThat(response.json()).isEqualTo("{\"embeddings\":[{\"values\":[11,1]},{\"values\":[14,1]}]}");
        // "Hello there" 4 + "General Kenobi" 2 + 2 tokens, at 0.15 per million: 1.2 micro-dollars, rounded up
        assertThat(quota.admitted).singleElement().satisfies(q -> assertThat(q.tokens()).isEqualTo(8));
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.EMBED_CONTENT);
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.usage().promptTokens()).isEqualTo(8);
            assertThat(e.cost()).isEqualTo(Money.ofMicros(2));
        });
    }

    @Test
    void aBatchRequestForAnotherModelIsRefusedNamingIt() {
        assertThatThrownBy(() -> new EmbeddingRequest(EMBEDDING, EmbeddingRequest.Method.BATCH_EMBED_CONTENTS,
                Map.of("requests", List.of(Map.of("model", "models/gemini-2.5-flash", "content", content("x")))),
                Optional.empty()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("requests[0].model is models/gemini-2.5-flash");
    }

    @Test
    void anEmbedContentWithoutContentIsRefused() {
        assertThatThrownBy(() -> new EmbeddingRequest(EMBEDDING, EmbeddingRequest.Method.EMBED_CONTENT,
                Map.of("taskType", "RETRIEVAL_QUERY"), Optional.empty()))
                .isInstanceOf(InvalidRequestException.class).hasMessage("content is not specified");
    }
}
