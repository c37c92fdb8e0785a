package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official google-genai Java SDK, unchanged, as a tenant application: base URL = Gemgate, API key = a key Gemgate
 * issued. Requests go through every policy step to the emulator over HTTP and back.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiSdkEndToEndTest {
    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    ApiKeyRepository keys;

    @Inject
    dev.gemgate.domain.audit.AuditLog auditLog;

    private IssueApiKey.Issued issued;
    private Tenant tenant;

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("sdk-" + UUID.randomUUID()));
        issued = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "sdk test"));
    }

    private Client sdk(String apiKey) {
        return Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build();
    }

    @Test
    void generateContentThroughTheGatewayReturnsTheUpstreamTextAndUsage() {
        try (Client client = sdk(issued.secret().reveal())) {
            GenerateContentResponse response = client.models.generateContent("gemini-2.5-flash",
                    "Hello from the SDK", GenerateContentConfig.builder().maxOutputTokens(200).build());

            assertThat(response.text()).isEqualTo("Echo: Hello from the SDK");
            assertThat(response.usageMetadata()).hasValueSatisfying(usage -> {
                assertThat(usage.promptTokenCount()).hasValueSatisfying(n -> assertThat(n).isPositive());
                assertThat(usage.candidatesTokenCount()).hasValueSatisfying(n -> assertThat(n).isPositive());
                assertThat(usage.totalTokenCount()).hasValue(
                        usage.promptTokenCount().orElseThrow() + usage.candidatesTokenCount().orElseThrow());
            });
            assertThat(response.candidates().orElseThrow().get(0).finishReason().orElseThrow().toString())
                    .isEqualTo("STOP");
        }
    }

    @Test
    void maxOutputTokensReachesTheUpstream() {
        try (Client client = sdk(issued.secret().reveal())) {
            GenerateContentResponse response = client.models.generateContent("gemini-2.5-flash",
                    "one two three four five six seven eight nine ten eleven twelve",
                    GenerateContentConfig.builder().maxOutputTokens(3).build());
            assertThat(response.usageMetadata().orElseThrow().candidatesTokenCount()).hasValue(3);
            assertThat(response.candidates().orElseThrow().get(0).finishReason().orElseThrow().toString())
                    .isEqualTo("MAX_TOKENS");
        }
    }

    @Test
    void countTokensMatchesThePromptCountOfGenerate() {
        try (Client client = sdk(issued.secret().reveal())) {
            CountTokensResponse counted = client.models.countTokens("gemini-2.5-flash", "How many tokens is this?", null);
            GenerateContentResponse generated = client.models.generateContent("gemini-2.5-flash",
                    "How many tokens is this?", null);
            assertThat(counted.totalTokens()).hasValueSatisfying(n -> assertThat(n).isPositive());
            assertThat(counted.totalTokens()).isEqualTo(generated.usageMetadata().orElseThrow().promptTokenCount());
        }
    }

    @Test
    void anUnknownKeyIsRefusedWith401InGeminisFormat() {
        try (Client client = sdk("gmg_" + "0".repeat(40))) {
            assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash", "hi", null))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(401);
                        assertThat(e.status()).isEqualTo("UNAUTHENTICATED");
                    });
        }
    }

    @Test
    void aRevokedKeyIsRefusedWith403() {
        keys.save(issued.key().revokedAt(Instant.now()));
        try (Client client = sdk(issued.secret().reveal())) {
            assertThatThrownBy(() -> client.models.generateContent("gemini-2.5-flash", "hi", null))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(403);
                        assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                        assertThat(e.message()).contains("revoked");
                    });
        }
    }

    @Test
    void anUnknownModelIs404() {
        try (Client client = sdk(issued.secret().reveal())) {
            assertThatThrownBy(() -> client.models.generateContent("gemini-0-nonexistent", "hi", null))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(404);
                        assertThat(e.status()).isEqualTo("NOT_FOUND");
                    });
        }
    }

    @Test
    void modelsCanBeListedAndRead() {
        try (Client client = sdk(issued.secret().reveal())) {
            var names = new java.util.ArrayList<String>();
            client.models.list(null).forEach(m -> names.add(m.name().orElseThrow()));
            assertThat(names).contains("models/gemini-2.5-flash", "models/gemini-2.5-pro");
            assertThat(client.models.get("gemini-2.5-flash", null).inputTokenLimit()).hasValue(1_048_576);
        }
    }

    @Test
    void anImageSentInlineByTheSdkReachesTheUpstreamAndIsBilledAsOne() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        GatewayTestResources.emulator().clearRecordedRequests();
        try (Client client = sdk(issued.secret().reveal())) {
            GenerateContentResponse response = client.models.generateContent("gemini-2.5-flash",
                    com.google.genai.types.Content.fromParts(com.google.genai.types.Part.fromText("Describe this"),
                            com.google.genai.types.Part.fromBytes(png.toByteArray(), "image/png")), null);

            assertThat(response.text()).startsWith("Echo: Describe this");
            // the emulator bills an image as Gemini does for a small one: 258 tokens, as the prompt count shows
            assertThat(response.usageMetadata().orElseThrow().promptTokenCount().orElseThrow()).isGreaterThan(258);
        }
        String sent = GatewayTestResources.emulator().recordedRequests().getLast().body();
        assertThat(sent).contains(java.util.Base64.getEncoder().encodeToString(png.toByteArray()));
    }

    @Test
    void theSdksEmbeddingsGoThroughTheGatewayAndArePricedFromTheCatalog() {
        try (Client client = sdk(issued.secret().reveal())) {
            com.google.genai.types.EmbedContentResponse response = client.models.embedContent(
                    "gemini-embedding-001", java.util.List.of("first text to embed", "second one"),
                    com.google.genai.types.EmbedContentConfig.builder().outputDimensionality(8).build());

            assertThat(response.embeddings().orElseThrow()).hasSize(2).allSatisfy(e ->
                    assertThat(e.values().orElseThrow()).hasSize(8));
            assertThat(response.embeddings().orElseThrow().get(0).values())
                    .isNotEqualTo(response.embeddings().orElseThrow().get(1).values());
        }
        var events = auditLog.query(new dev.gemgate.domain.audit.AuditQuery(java.util.Optional.of(tenant.id()),
                java.util.Optional.of(dev.gemgate.domain.audit.AuditEventType.EMBED_CONTENT), Instant.EPOCH,
                Instant.now().plusSeconds(60), 10));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(dev.gemgate.domain.audit.Outcome.SUCCESS);
            assertThat(e.usage().promptTokens()).isPositive();
            assertThat(e.cost().micros()).isPositive();
        });
    }
}
