package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.tenant.ChangeApiKeyScopes;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.EmulatorEmbeddings;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/**
 * OpenAI's official Java SDK, unchanged, against the OpenAI-compatible embeddings and models endpoints, on both base
 * URLs ({@code /v1beta/openai/}, Google's layout, and {@code /v1/}); and Google's Java SDK listing models on its own
 * paths ({@code /v1beta/models} and, with API version v1, its 2.x default, {@code /v1/models}, the path both SDKs use):
 * each SDK gets its own shape, decided by how it sends its key.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class OpenAiEmbeddingsAndModelsSdkTest {
    private static final String EMBEDDING = "gemini-embedding-001";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    AuditLog auditLog;

    private final List<OpenAIClient> openAiClients = new ArrayList<>();
    private Tenant tenant;
    private String key;
    private Instant start;

    @BeforeEach
    void issueKey() {
        start = Instant.now().minusSeconds(1);
        tenant = createTenant.execute(new CreateTenant.Command("openai-sdk-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "openai sdk test")).secret().reveal();
    }

    /** Closed after the test ({@link OpenAIClient} is not {@code AutoCloseable}). */
    private OpenAIClient openAi(String basePath, String apiKey) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.toString() + basePath).apiKey(apiKey)
                .maxRetries(0).build();
        openAiClients.add(client);
        return client;
    }

    @AfterEach
    void closeClients() {
        openAiClients.forEach(OpenAIClient::close);
        openAiClients.clear();
    }

    private Client gemini(Optional<String> apiVersion) {
        HttpOptions.Builder options = HttpOptions.builder().baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build());
        apiVersion.ifPresent(options::apiVersion);
        return Client.builder().apiKey(key).httpOptions(options.build()).build();
    }

    private static List<Float> expected(String text, int dimensions) {
        float[] values = EmulatorEmbeddings.embed(text, dimensions);
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta/openai", "v1"})
    void theSdksDefaultBase64EmbeddingsAreTheUpstreamsVectors(String basePath) {
        OpenAIClient client = openAi(basePath, key);
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(EMBEDDING).input("the quick brown fox").build());

        Embedding embedding = response.data().getFirst();
        assertThat(embedding.embeddingValue().isBase64()).as("the SDK asks for base64 by default").isTrue();
        assertThat(embedding.embedding()).isEqualTo(expected("the quick brown fox", 3072));
        assertThat(embedding.index()).isZero();
        assertThat(response.model()).isEqualTo(EMBEDDING);
        assertThat(response.usage().promptTokens()).isPositive();
        assertThat(response.usage().totalTokens()).isEqualTo(response.usage().promptTokens());
    }

    @Test
    void floatEmbeddingsWithDimensionsForSeveralInputsComeInInputOrder() {
        OpenAIClient client = openAi("v1beta/openai", key);
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("models/" + EMBEDDING).inputOfArrayOfStrings(List.of("first text", "second text", "third"))
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).dimensions(8).build());

        assertThat(response.data()).extracting(Embedding::index).containsExactly(0L, 1L, 2L);
        assertThat(response.data()).allSatisfy(e -> assertThat(e.embeddingValue().isFloats()).isTrue());
        assertThat(response.data()).extracting(Embedding::embedding).containsExactly(
                expected("first text", 8), expected("second text", 8), expected("third", 8));
        assertThat(events(AuditEventType.EMBED_CONTENT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.usage().promptTokens()).isPositive();
            assertThat(e.cost().micros()).isPositive();
        });
    }

    @Test
    void theUserFieldIsTheEndUserBudgetsApplyTo() {
        OpenAIClient client = openAi("v1", key);
        client.embeddings().create(EmbeddingCreateParams.builder().model(EMBEDDING).input("for alice")
                .user("alice").build());
        assertThat(events(AuditEventType.EMBED_CONTENT)).singleElement()
                .satisfies(e -> assertThat(e.endUser()).hasValue("alice"));
    }

    @Test
    void tokenArraysAndBadFieldsAre400() {
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"gemini-embedding-001\",\"input\":[[1,2,3]]}")
                .post("/v1/embeddings").then().statusCode(400);
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"gemini-embedding-001\",\"input\":\"x\",\"encoding_format\":\"int8\"}")
                .post("/v1beta/openai/embeddings").then().statusCode(400);
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"input\":\"x\"}").post("/v1/embeddings").then().statusCode(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta/openai", "v1"})
    void modelsAreListedAndRetrievedWithGooglesIds(String basePath) {
        OpenAIClient client = openAi(basePath, key);
        List<Model> models = client.models().list().data();

        assertThat(models).extracting(Model::id).contains("models/gemini-2.5-flash", "models/" + EMBEDDING);
        assertThat(models).allSatisfy(m -> assertThat(m.ownedBy()).isEqualTo("google"));
        Model flash = client.models().retrieve("gemini-2.5-flash");
        assertThat(flash.id()).isEqualTo("models/gemini-2.5-flash");
        assertThat(flash.ownedBy()).isEqualTo("google");
        assertThat(client.models().retrieve("models/gemini-2.5-flash").id()).isEqualTo("models/gemini-2.5-flash");
        assertThatThrownBy(() -> client.models().retrieve("gemini-0-nonexistent"))
                .isInstanceOf(NotFoundException.class);
    }

    /** The SDK's default API version (2.x: v1, so /v1/models, OpenAI's path too), v1 and v1beta named. */
    @Test
    void googlesSdkListsModelsInItsOwnShapeOnV1betaAndOnV1() {
        for (Optional<String> version : List.of(Optional.<String>empty(), Optional.of("v1"), Optional.of("v1beta"))) {
            try (Client client = gemini(version)) {
                List<String> names = new ArrayList<>();
                client.models.list(null).forEach(m -> names.add(m.name().orElseThrow()));
                assertThat(names).as("api version %s", version).contains("models/gemini-2.5-flash");
                assertThat(client.models.get("gemini-2.5-flash", null).inputTokenLimit()).hasValue(1_048_576);
            }
        }
    }

    @Test
    void onV1ModelsTheKeysPlaceDecidesTheShape() {
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list")).body("data.id", hasItem("models/gemini-2.5-flash"))
                .body("models", nullValue());
        given().header("x-goog-api-key", key).get("/v1/models").then().statusCode(200)
                .body("models.name", hasItem("models/gemini-2.5-flash")).body("object", nullValue());
        given().queryParam("key", key).header("Authorization", "Bearer " + key).get("/v1/models").then()
                .statusCode(200).body("models.name", hasItem("models/gemini-2.5-flash"));
        given().header("Authorization", "Bearer " + key).get("/v1/models/gemini-2.5-flash").then().statusCode(200)
                .body("id", equalTo("models/gemini-2.5-flash")).body("object", equalTo("model"));
        given().header("x-goog-api-key", key).get("/v1/models/gemini-2.5-flash").then().statusCode(200)
                .body("name", equalTo("models/gemini-2.5-flash")).body("inputTokenLimit", equalTo(1_048_576));
        // Gemini's methods keep their routing whatever the key's place
        given().header("Authorization", "Bearer " + key).get("/v1/models/gemini-2.5-flash:generateContent").then()
                .statusCode(405);
    }

    @Test
    void aKeyScopedToOneSurfaceReadsModelsOnlyThroughIt() {
        String openAiOnly = scoped("OPENAI");
        String geminiOnly = scoped("GEMINI");

        given().header("Authorization", "Bearer " + openAiOnly).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"));
        given().header("x-goog-api-key", openAiOnly).get("/v1/models").then().statusCode(403);
        given().header("x-goog-api-key", geminiOnly).get("/v1/models").then().statusCode(200);
        given().header("Authorization", "Bearer " + geminiOnly).get("/v1/models").then().statusCode(403);
        assertThatThrownBy(() -> openAi("v1beta/openai", geminiOnly).models().list())
                .isInstanceOf(PermissionDeniedException.class);
        // embeddings are their own surface on either API
        EmbeddingCreateParams embed = EmbeddingCreateParams.builder().model(EMBEDDING).input("x").build();
        assertThatThrownBy(() -> openAi("v1", openAiOnly).embeddings().create(embed))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(openAi("v1", scoped("EMBEDDINGS")).embeddings().create(embed).data()).hasSize(1);
    }

    private String scoped(String surface) {
        KeyScopes scopes = ChangeApiKeyScopes.scopes(List.of(), List.of(surface), List.of());
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), surface + " only", Optional.empty(), scopes,
                AdminActor.system("test"))).secret().reveal();
    }

    private List<AuditEvent> events(AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(type), start,
                Instant.now().plusSeconds(60), 100));
    }
}
