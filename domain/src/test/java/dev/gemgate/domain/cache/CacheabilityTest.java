package dev.gemgate.domain.cache;

import dev.gemgate.domain.fakes.InMemoryCachePolicyStore;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheabilityTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final CachePolicy FIVE_MINUTES = new CachePolicy(Duration.ofMinutes(5), false);
    private final RequestFingerprint fingerprints = new RequestFingerprint(
            "a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8));

    private static GenerationRequest request(Map<String, Object> config) {
        Map<String, Object> body = new HashMap<>();
        body.put("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "hi")))));
        if (config != null) {
            body.put("generationConfig", config);
        }
        return new GenerationRequest(FLASH, body);
    }

    private static GenerationResponse answer(String... finishReasons) {
        List<Object> candidates = java.util.Arrays.stream(finishReasons).<Object>map(r -> Map.of(
                "content", Map.of("parts", List.of(Map.of("text", "x"))), "finishReason", r)).toList();
        return new GenerationResponse(FLASH, Map.of("candidates", candidates), Usage.NONE);
    }

    @Test
    void onlyAnExplicitTemperatureOfZeroIsDeterministic() {
        assertThat(Cacheability.isDeterministic(request(Map.of("temperature", 0)))).isTrue();
        assertThat(Cacheability.isDeterministic(request(Map.of("temperature", 0.0)))).isTrue();
        assertThat(Cacheability.isDeterministic(request(Map.of("temperature", 0.2)))).isFalse();
        // absent: the model's default temperature, which is above 0
        assertThat(Cacheability.isDeterministic(request(Map.of("maxOutputTokens", 10)))).isFalse();
        assertThat(Cacheability.isDeterministic(request(null))).isFalse();
    }

    @Test
    void aRequestIsCacheableWhenTheTenantHasATtlAndItIsDeterministicOrTheTenantOptedIn() {
        GenerationRequest warm = request(Map.of("temperature", 1));
        GenerationRequest cold = request(Map.of("temperature", 0));
        assertThat(Cacheability.isCacheable(cold, FIVE_MINUTES)).isTrue();
        assertThat(Cacheability.isCacheable(warm, FIVE_MINUTES)).isFalse();
        assertThat(Cacheability.isCacheable(warm, new CachePolicy(Duration.ofMinutes(5), true))).isTrue();
        assertThat(Cacheability.isCacheable(cold, CachePolicy.OFF)).isFalse();
        assertThat(Cacheability.isCacheable(warm, new CachePolicy(Duration.ZERO, true))).isFalse();
    }

    @Test
    void onlyCompleteAnswersAreStored() {
        assertThat(Cacheability.isStorable(answer("STOP"))).isTrue();
        assertThat(Cacheability.isStorable(answer("STOP", "STOP"))).isTrue();
        assertThat(Cacheability.isStorable(answer("SAFETY"))).isFalse();
        assertThat(Cacheability.isStorable(answer("RECITATION"))).isFalse();
        assertThat(Cacheability.isStorable(answer("MAX_TOKENS"))).isFalse();
        assertThat(Cacheability.isStorable(answer("STOP", "MAX_TOKENS"))).isFalse();
        assertThat(Cacheability.isStorable(answer())).isFalse();
        assertThat(Cacheability.isStorable(new GenerationResponse(FLASH, Map.of("promptFeedback",
                Map.of("blockReason", "SAFETY"), "candidates", List.of(Map.of("finishReason", "STOP"))),
                Usage.NONE))).isFalse();
    }

    @Test
    void theCacheFingerprintReadsOnlyTheSemanticFields() {
        Map<String, Object> semantic = new HashMap<>();
        semantic.put("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "hi")))));
        semantic.put("generationConfig", Map.of("temperature", 0));
        Map<String, Object> withExtras = new HashMap<>(semantic);
        withExtras.put("labels", Map.of("surface", "openai"));
        withExtras.put("x-surface-extra", true);
        String fp = fingerprints.forCache(new GenerationRequest(FLASH, semantic));
        assertThat(fingerprints.forCache(new GenerationRequest(FLASH, withExtras))).isEqualTo(fp);

        for (String field : List.of("systemInstruction", "tools", "toolConfig", "safetySettings", "cachedContent")) {
            Map<String, Object> other = new HashMap<>(semantic);
            other.put(field, field.equals("systemInstruction") ? Map.of("parts", List.of(Map.of("text", "be brief")))
                    : field.equals("cachedContent") ? "cachedContents/abc" : List.of(Map.of("k", field)));
            assertThat(fingerprints.forCache(new GenerationRequest(FLASH, other))).as(field).isNotEqualTo(fp);
        }
        Map<String, Object> warmer = new HashMap<>(semantic);
        warmer.put("generationConfig", Map.of("temperature", 0, "topK", 3));
        assertThat(fingerprints.forCache(new GenerationRequest(FLASH, warmer))).isNotEqualTo(fp);
        assertThat(fingerprints.forCache(new GenerationRequest(ModelId.parse("gemini-2.5-pro"), semantic)))
                .isNotEqualTo(fp);
        // and it is not the audit's prompt hash of the same request
        assertThat(fingerprints.of(new GenerationRequest(FLASH, semantic))).isNotEqualTo(fp);
    }

    @Test
    void aPolicyTtlIsBounded() {
        assertThatThrownBy(() -> new CachePolicy(Duration.ofDays(31), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CachePolicy(Duration.ofSeconds(-1), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new CachePolicy(CachePolicy.MAX_TTL, true).enabled()).isTrue();
        assertThat(CachePolicy.OFF.enabled()).isFalse();
    }

    @Test
    void theStoredSourceAnswersATenantsOwnPolicyElseTheConfiguredOne() {
        InMemoryCachePolicyStore store = new InMemoryCachePolicyStore();
        TenantId a = new TenantId(UUID.randomUUID());
        TenantId b = new TenantId(UUID.randomUUID());
        CachePolicy own = new CachePolicy(Duration.ofHours(1), true);
        store.save(a, own);
        StoredCachePolicySource source = new StoredCachePolicySource(FIVE_MINUTES, store);
        assertThat(source.policyOf(a)).isEqualTo(FIVE_MINUTES); // before the first reload: the configured one
        source.reload();
        assertThat(source.policyOf(a)).isEqualTo(own);
        assertThat(source.policyOf(b)).isEqualTo(FIVE_MINUTES);
        source.remove(a);
        assertThat(source.policyOf(a)).isEqualTo(FIVE_MINUTES);
        source.put(b, CachePolicy.OFF);
        assertThat(source.policyOf(b)).isEqualTo(CachePolicy.OFF);
    }
}
