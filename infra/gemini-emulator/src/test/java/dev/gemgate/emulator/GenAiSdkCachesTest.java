package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.CachedContent;
import com.google.genai.types.Content;
import com.google.genai.types.CountTokensConfig;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListCachedContentsConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UpdateCachedContentConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cachedContents as the google-genai Java client drives them: create, get, list, update, delete, use. */
class GenAiSdkCachesTest extends EmulatorTestBase {

    static Client sdk;
    /** 1,200 one-token words: above the 1,024-token minimum of the Flash models. */
    static final String LONG_TEXT = "word ".repeat(1200).trim();
    static final int LONG_TOKENS = 1200;

    @BeforeAll
    static void client() {
        sdk = Client.builder().apiKey(EmulatorClient.KEY).httpOptions(HttpOptions.builder().baseUrl(emulator.baseUrl())
                .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
    }

    @BeforeEach
    void fresh() {
        emulator.reset();
    }

    static CachedContent createCache(String model, Duration ttl) {
        CreateCachedContentConfig.Builder config = CreateCachedContentConfig.builder()
                .contents(Content.builder().role("user").parts(Part.fromText(LONG_TEXT)).build())
                .systemInstruction(Content.fromParts(Part.fromText("Be brief")))
                .displayName("manual");
        if (ttl != null) {
            config.ttl(ttl);
        }
        return sdk.caches.create(model, config.build());
    }

    @Test
    void aCacheIsCreatedWithItsTokenCountAndADefaultTtlOfOneHour() {
        Instant before = emulator.now();
        CachedContent cache = createCache("gemini-2.5-flash", null);
        assertThat(cache.name()).hasValueSatisfying(n -> assertThat(n).matches("cachedContents/[a-z0-9]{40}"));
        assertThat(cache.model()).contains("models/gemini-2.5-flash");
        assertThat(cache.displayName()).contains("manual");
        assertThat(cache.usageMetadata().orElseThrow().totalTokenCount()).contains(LONG_TOKENS + 3);
        Instant created = cache.createTime().orElseThrow();
        assertThat(created).isBetween(before, emulator.now());
        assertThat(cache.expireTime()).contains(created.plus(Duration.ofHours(1)));

        RecordedRequest sent = emulator.recordedRequests().getLast();
        assertThat(sent.path()).isEqualTo("/v1/cachedContents");
        JsonNode body = EmulatorClient.JSON.valueToTree(parse(sent.body()));
        assertThat(body.path("model").asText()).isEqualTo("models/gemini-2.5-flash");
        assertThat(body.has("ttl")).isFalse();
    }

    @Test
    void aRequestUsingTheCacheCountsItsTokensAsCachedPromptTokens() {
        CachedContent cache = createCache("gemini-2.5-flash", Duration.ofMinutes(5));
        GenerateContentResponse reply = sdk.models.generateContent("gemini-2.5-flash", "Hello, world!",
                GenerateContentConfig.builder().cachedContent(cache.name().orElseThrow()).build());
        assertThat(reply.text()).isEqualTo("Echo: Hello, world!");
        GenerateContentResponseUsageMetadata usage = reply.usageMetadata().orElseThrow();
        int cached = LONG_TOKENS + 3; // "Be brief" (3 tokens) is in the cache too
        assertThat(usage.cachedContentTokenCount()).contains(cached);
        assertThat(usage.promptTokenCount()).contains(cached + 6);
        assertThat(usage.totalTokenCount()).contains(cached + 6 + 8);
        assertThat(usage.cacheTokensDetails().orElseThrow().getFirst().tokenCount()).contains(cached);

        // the same reply and counts as sending the cached contents along, apart from the cached count
        GenerateContentResponse plain = sdk.models.generateContent("gemini-2.5-flash", List.of(
                        Content.builder().role("user").parts(Part.fromText(LONG_TEXT)).build(),
                        Content.builder().role("user").parts(Part.fromText("Hello, world!")).build()),
                GenerateContentConfig.builder().systemInstruction(Content.fromParts(Part.fromText("Be brief"))).build());
        assertThat(plain.text()).isEqualTo(reply.text());
        assertThat(plain.usageMetadata().orElseThrow().promptTokenCount()).isEqualTo(usage.promptTokenCount());
        assertThat(plain.usageMetadata().orElseThrow().cachedContentTokenCount()).isEmpty();

        // streaming reports it on every chunk, the final usage as the unary call
        List<GenerateContentResponse> chunks = new ArrayList<>();
        sdk.models.generateContentStream("gemini-2.5-flash", "Hello, world!",
                GenerateContentConfig.builder().cachedContent(cache.name().orElseThrow()).build()).forEach(chunks::add);
        assertThat(chunks).allSatisfy(c -> assertThat(c.usageMetadata().orElseThrow().cachedContentTokenCount())
                .contains(cached));
        assertThat(chunks.getLast().usageMetadata().orElseThrow().totalTokenCount()).isEqualTo(usage.totalTokenCount());
    }

    @Test
    void countTokensWithACacheIncludesTheCachedTokens() {
        CachedContent cache = createCache("gemini-2.5-flash", null);
        JsonNode count = client.post("/v1beta/models/gemini-2.5-flash:countTokens", "{\"generateContentRequest\":"
                + "{\"model\":\"models/gemini-2.5-flash\",\"cachedContent\":\"" + cache.name().orElseThrow() + "\","
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello, world!\"}]}]}}").json();
        assertThat(count.path("totalTokens").asInt()).isEqualTo(LONG_TOKENS + 3 + 6);
        assertThat(count.path("cachedContentTokenCount").asInt()).isEqualTo(LONG_TOKENS + 3);
        // what the Java SDK itself sends: contents only (it refuses cachedContent in countTokens client-side)
        assertThat(sdk.models.countTokens("gemini-2.5-flash", "Hello, world!", CountTokensConfig.builder().build())
                .totalTokens()).contains(6);
    }

    @Test
    void aCacheIsRefusedWithASystemInstructionOrToolsInTheRequestOrAnotherModel() {
        CachedContent cache = createCache("gemini-2.5-flash", null);
        assertThatThrownBy(() -> sdk.models.generateContent("gemini-2.5-flash", "Hi", GenerateContentConfig.builder()
                .cachedContent(cache.name().orElseThrow())
                .systemInstruction(Content.fromParts(Part.fromText("Be brief"))).build()))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
                    assertThat(e.message()).startsWith("CachedContent can not be used with GenerateContent request "
                            + "setting system_instruction, tools or tool_config.");
                });
        assertThatThrownBy(() -> sdk.models.generateContent("gemini-2.5-pro", "Hi", GenerateContentConfig.builder()
                .cachedContent(cache.name().orElseThrow()).build()))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.message()).isEqualTo("Model used by GenerateContent request (models/gemini-2.5-pro) "
                            + "and CachedContent (models/gemini-2.5-flash) has to be the same.");
                });
    }

    @Test
    void aCacheTooSmallForTheModelIsRefused() {
        assertThatThrownBy(() -> sdk.caches.create("gemini-2.5-flash", CreateCachedContentConfig.builder()
                .contents(Content.fromParts(Part.fromText("too short"))).build()))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.message()).isEqualTo(
                            "Cached content is too small. total_token_count=3, min_total_token_count=1024");
                });
        assertThatThrownBy(() -> createCache("gemini-2.5-pro", null)).isInstanceOfSatisfying(ClientException.class,
                e -> assertThat(e.message()).contains("min_total_token_count=2048"));
    }

    @Test
    void cachesAreListedUpdatedExpiredAndDeleted() {
        CachedContent first = createCache("gemini-2.5-flash", Duration.ofMinutes(10));
        CachedContent second = createCache("gemini-2.5-flash", Duration.ofMinutes(30));
        List<String> listed = new ArrayList<>();
        sdk.caches.list(ListCachedContentsConfig.builder().pageSize(1).build())
                .forEach(c -> listed.add(c.name().orElseThrow()));
        assertThat(listed).containsExactly(first.name().orElseThrow(), second.name().orElseThrow());

        emulator.advanceClock(Duration.ofMinutes(5));
        CachedContent updated = sdk.caches.update(first.name().orElseThrow(),
                UpdateCachedContentConfig.builder().ttl(Duration.ofHours(2)).build());
        assertThat(updated.expireTime().orElseThrow()).isCloseTo(emulator.now().plus(Duration.ofHours(2)),
                org.assertj.core.api.Assertions.within(1, ChronoUnit.SECONDS));
        assertThat(updated.updateTime().orElseThrow()).isAfter(updated.createTime().orElseThrow());
        RecordedRequest patch = emulator.recordedRequests().getLast();
        assertThat(patch.method()).isEqualTo("PATCH");
        assertThat(patch.body()).isEqualTo("{\"ttl\":\"7200s\"}");

        Instant at = emulator.now().plus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.SECONDS);
        assertThat(sdk.caches.update(second.name().orElseThrow(), UpdateCachedContentConfig.builder().expireTime(at)
                .build()).expireTime()).contains(at);

        emulator.advanceClock(Duration.ofMinutes(41)); // the second cache is gone, the first lives on
        assertThatThrownBy(() -> sdk.caches.get(second.name().orElseThrow(), null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                    assertThat(e.message()).isEqualTo("CachedContent not found (or permission denied)");
                });
        assertThatThrownBy(() -> sdk.models.generateContent("gemini-2.5-flash", "Hi", GenerateContentConfig.builder()
                .cachedContent(second.name().orElseThrow()).build()))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThat(sdk.caches.get(first.name().orElseThrow(), null).name()).isEqualTo(first.name());

        sdk.caches.delete(first.name().orElseThrow(), null);
        assertThat(client.get("/v1beta/cachedContents").body()).isEqualTo("{}");
        assertThatThrownBy(() -> sdk.caches.delete(first.name().orElseThrow(), null))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
    }

    static Object parse(String json) {
        try {
            return EmulatorClient.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
