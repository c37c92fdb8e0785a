package dev.gemgate.application.generation;

import dev.gemgate.domain.budget.SpendingPolicySource;
import dev.gemgate.domain.fakes.InMemoryTenantResources;
import dev.gemgate.domain.quota.RateLimitSource;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import dev.gemgate.domain.waiting.WaitingRoom;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryResponseCache;
import dev.gemgate.domain.fakes.MediaSamples;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.MediaBounds;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ModelPattern;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.gemgate.domain.fakes.MediaSamples.base64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inline media is checked, sized per model and estimated before anything reaches the quota, budget or upstream. */
class MultimodalRequestsTest {
    private final InMemoryTenantResources resources = new InMemoryTenantResources();
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03")
            .add("gemini-3.5-flash", "1.50", "9.00", "0.15")
            .add("gemini-3.6-flash", "1.50", "7.50", "0.15");
    private final FakeGenerationPort upstream = new FakeGenerationPort(
            List.of("gemini-2.5-flash", "gemini-3.5-flash", "gemini-3.6-flash"));
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private final InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();
    private GenerationPolicy policy = GenerationPolicy.defaults();

    private Admission admission() {
        RequestMetrics metrics = new RequestMetrics() {
            @Override
            public void record(AuditEvent event) {
            }

            @Override
            public void authenticationFailed(String reason) {
            }
        };
        return new Admission(quota, ledger, new RequestRecorder(audit, metrics), new SequentialIdGenerator(), clock,
                WaitingRoom.neverWaiting(clock), RateLimitSource.defaults(RateLimits.UNLIMITED, RateLimits.UNLIMITED,
                RateLimits.UNLIMITED), new UpstreamGate(UpstreamGate.Settings.DEFAULT), UpstreamLimits.NONE,
                SpendingPolicySource.defaults(), resources);
    }

    private GenerateContent generate() {
        return new GenerateContent(pricing, new InMemoryResponseCache(), UpstreamCalls.single(
                FixedUpstreamKeyVault.withTestKey(), upstream, pricing, clock, policy.upstreamTimeout()), admission(), new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(
                StandardCharsets.UTF_8)), clock, policy);
    }

    private CountTokens countTokens() {
        return new CountTokens(pricing, UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(), upstream, pricing, clock,
                policy.upstreamTimeout()), admission(), clock, policy);
    }

    private static RequestContext context() {
        return new RequestContext(CALLER, new RequestId("req-0001"), Optional.empty(), Optional.empty());
    }

    private static GenerationRequest request(String model, Object... parts) {
        return new GenerationRequest(ModelId.parse(model), Map.of(
                "contents", List.of(Map.of("role", "user", "parts", List.of(parts))),
                "generationConfig", Map.of("maxOutputTokens", 100)));
    }

    private GenerateContent.Result run(GenerationRequest request) {
        return generate().execute(new GenerateContent.Command(context(), request, CacheDirective.DEFAULT));
    }

    private static Map<String, Object> inline(String mimeType, byte[] data) {
        return Map.of("inlineData", Map.of("mimeType", mimeType, "data", base64(data)));
    }

    private static final Map<String, Object> DESCRIBE = Map.of("text", "Describe");

    @Test
    void bytesThatAreNotWhatThePartDeclaresAreRefusedBeforeQuotaBudgetAndUpstreamAndCostNothing() {
        GenerationRequest request = request("gemini-2.5-flash", DESCRIBE,
                inline("image/png", MediaSamples.jpeg(4, 4)));

        assertThatThrownBy(() -> run(request))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("contents[0].parts[1].inlineData: declared image/png but the data is not a PNG image"
                        + " (looks like image/jpeg)");
        assertThat(quota.admitted).isEmpty();
        assertThat(ledger.openReservations()).isZero();
        assertThat(upstream.received).isEmpty();
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.INVALID_REQUEST);
            assertThat(e.cost()).isEqualTo(Money.ZERO);
        });
    }

    @Test
    void countTokensChecksTheBytesToo() {
        GenerationRequest request = request("gemini-2.5-flash", inline("audio/wav", MediaSamples.mp3(1)));
        assertThatThrownBy(() -> countTokens().execute(new CountTokens.Command(context(), request)))
                .hasMessageContaining("declared audio/wav but the data is not a WAV audio file (looks like audio/mp3)");
        assertThat(upstream.received).isEmpty();
    }

    @Test
    void theInlineLimitIsPerModelExactNamesBeforeTheLongestPrefix() {
        long kib = 1024;
        policy = new GenerationPolicy(8192, 65_536, 4 * kib, Duration.ofSeconds(5), Duration.ZERO,
                InlineLimits.DEFAULT_MAX_INLINE_PDF_BYTES, Map.of(
                new ModelPattern("gemini-3.*"), new InlineLimits(64 * kib, 64 * kib),
                new ModelPattern("gemini-3.6-flash"), new InlineLimits(2 * kib, 2 * kib)),
                MediaBounds.defaults());
        byte[] image = MediaSamples.concat(MediaSamples.png(10, 10), new byte[8 * 1024]);

        assertThatThrownBy(() -> run(request("gemini-2.5-flash", DESCRIBE, inline("image/png", image))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE);
                    assertThat(e.getMessage()).isEqualTo("Request payload size exceeds the limit: inline data is "
                            + image.length + " bytes, the limit for gemini-2.5-flash is 4096 bytes. Send larger files"
                            + " with the Files API (fileData).");
                });
        assertThat(run(request("gemini-3.5-flash", DESCRIBE, inline("image/png", image))).response().text())
                .isEqualTo("Echo: Describe");
        assertThatThrownBy(() -> run(request("gemini-3.6-flash", DESCRIBE, inline("image/png", image))))
                .hasMessageContaining("the limit for gemini-3.6-flash is 2048 bytes");
        assertThat(upstream.received).hasSize(1);
        assertThat(policy.largestInlineBytes()).isEqualTo(64 * kib);
    }

    @Test
    void anInlinePdfHasItsOwnLimitNamingThePart() {
        policy = new GenerationPolicy(8192, 65_536, 1 << 20, Duration.ofSeconds(5), Duration.ZERO, 1024, Map.of(),
                MediaBounds.defaults());
        byte[] pdf = MediaSamples.concat(MediaSamples.pdf(2), new byte[2048]);

        assertThatThrownBy(() -> run(request("gemini-2.5-flash", DESCRIBE, inline("application/pdf", pdf))))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE);
                    assertThat(e.field()).contains("contents[0].parts[1].inlineData");
                    assertThat(e.getMessage()).endsWith("the inline PDF is " + pdf.length
                            + " bytes, the limit for gemini-2.5-flash is 1024 bytes.");
                });
        // the same bytes as an image (a PNG in front) are held only to the request's limit
        assertThat(run(request("gemini-2.5-flash", DESCRIBE, inline("image/png",
                MediaSamples.concat(MediaSamples.png(1, 1), new byte[2048])))).response().text())
                .isEqualTo("Echo: Describe");
    }

    @Test
    void quotaAndBudgetAreTakenForTheMediaEstimateOfTheModel() {
        // "Describe" (2) + a 1000x800 JPEG: 2 x 2 tiles of 258 on 2.x, a fixed 1,120 on Gemini 3; 100 output tokens
        run(request("gemini-2.5-flash", DESCRIBE, inline("image/jpeg", MediaSamples.jpeg(1000, 800))));
        run(request("gemini-3.5-flash", DESCRIBE, inline("image/jpeg", MediaSamples.jpeg(1000, 800))));

        assertThat(quota.admitted).extracting(q -> q.tokens()).containsExactly(2 + 4 * 258 + 100L, 2 + 1120 + 100L);
    }

    @Test
    void fileDataIsForwardedUntouchedAndReservedForAtThePolicysBound() {
        policy = new GenerationPolicy(8192, 65_536, 20L << 20, Duration.ofSeconds(5), Duration.ZERO,
                InlineLimits.DEFAULT_MAX_INLINE_PDF_BYTES, Map.of(), new MediaBounds(60, 600, 10, 1000, 1_048_576));
        Map<String, Object> video = Map.of("fileData", Map.of("mimeType", "video/mp4",
                "fileUri", "https://generativelanguage.googleapis.com/v1beta/files/abc-123"));
        GenerationRequest request = request("gemini-2.5-flash", DESCRIBE, video);
        // the file is the caller's own, uploaded through the gateway with the test credential
        resources.record(TenantResource.created(UUID.randomUUID(), new UpstreamResourceName(ResourceKind.FILE,
                "files/abc-123"), CALLER.tenant(), CALLER.apiKey(), new UpstreamCredentialId("test"),
                Optional.empty(), "ACTIVE", Optional.empty(), clock.instant()));

        run(request);

        assertThat(upstream.received).singleElement().satisfies(sent -> assertThat(sent.body())
                .isEqualTo(request.body()));
        assertThat(quota.admitted).singleElement()
                .satisfies(q -> assertThat(q.tokens()).isEqualTo(2 + 60 * (258 + 32 + 7) + 100L));
    }
}
