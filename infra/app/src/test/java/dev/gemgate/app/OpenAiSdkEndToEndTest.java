package dev.gemgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.BudgetSpec;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.SetApiKeyRateLimits;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}), unchanged, as a tenant application of the
 * OpenAI-compatible surface: base URL = Gemgate's {@code /v1beta/openai} (Google's layout) or {@code /v1}, API key = a key
 * Gemgate issued. Requests go through every policy step to the emulator over HTTP and back; refusals come back in
 * OpenAI's shape, as the SDK's typed exceptions.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class OpenAiSdkEndToEndTest {
    private static final AdminActor ADMIN = new AdminActor("sub-openai-test", "OpenAI Test", "192.0.2.30");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    SetApiKeyRateLimits setApiKeyRateLimits;

    @Inject
    AddBudget addBudget;

    @Inject
    ApiKeyRepository keys;

    private Tenant tenant;
    private IssueApiKey.Issued issued;

    @BeforeEach
    void issueKey() {
        tenant = createTenant.execute(new CreateTenant.Command("openai-" + UUID.randomUUID()));
        issued = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "openai sdk test"));
    }

    private OpenAIClient client(String base, String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.toString() + base).apiKey(apiKey).maxRetries(0).build();
    }

    private OpenAIClient client() {
        return client("v1beta/openai", issued.secret().reveal());
    }

    private static ChatCompletionCreateParams.Builder hello(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).maxCompletionTokens(200);
    }

    private static String content(ChatCompletion completion) {
        return completion.choices().get(0).message().content().orElseThrow();
    }

    private static FunctionDefinition weatherFunction() {
        return FunctionDefinition.builder().name("get_weather").description("The weather in a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of(
                                "city", java.util.Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    /** The body of the last generateContent the emulator received for {@code model}. */
    private static JsonNode lastUpstreamBody(String model) throws Exception {
        List<RecordedRequest> requests = GatewayTestResources.emulator().recordedRequests();
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path().contains(model + ":")) {
                return JSON.readTree(requests.get(i).body());
            }
        }
        throw new AssertionError("no upstream request for " + model);
    }

    @Test
    void chatCompletionsOnBothBasePathsWithHeadersLikeTheGeminiSurface() {
        for (String base : List.of("v1beta/openai", "v1")) {
            OpenAIClient client = client(base, issued.secret().reveal());
            HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse()
                    .create(hello("gemini-2.5-flash", "Hello from " + base).build());
            ChatCompletion completion = raw.parse();

            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(content(completion)).isEqualTo("Echo: Hello from " + base);
            assertThat(completion.model()).isEqualTo("gemini-2.5-flash");
            assertThat(completion.id()).startsWith("chatcmpl-");
            assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            assertThat(completion.usage()).hasValueSatisfying(usage -> {
                assertThat(usage.promptTokens()).isPositive();
                assertThat(usage.completionTokens()).isPositive();
                assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
            });
            assertThat(raw.headers().values("x-gemgate-served-model")).containsExactly("gemini-2.5-flash");
            // tests give a tenant no cache unless it has a policy (%test.gemgate.cache.default-ttl=0s): a bypass
            assertThat(raw.headers().values("x-gemgate-cache")).containsExactly("bypass");
            assertThat(raw.headers().values("x-gemgate-cost-usd")).singleElement()
                    .satisfies(cost -> assertThat(Double.parseDouble(cost)).isPositive());
            assertThat(raw.headers().values("x-request-id")).hasSize(1);
        }
    }

    @Test
    void theResponseCacheAnswersARepeatedRequestAndHonoursCacheControl() {
        String policy = "/admin/api/v1/tenants/" + tenant.id() + "/cache-policy";
        io.restassured.RestAssured.given().header("Authorization", BOOTSTRAP).contentType("application/json")
                .body("{\"ttlSeconds\":60}").put(policy).then().statusCode(200);
        try {
            ChatCompletionCreateParams params = hello("gemini-2.5-flash", "cache me " + UUID.randomUUID())
                    .temperature(0.0).build();
            HttpResponseFor<ChatCompletion> miss = client().chat().completions().withRawResponse().create(params);
            assertThat(miss.headers().values("x-gemgate-cache")).containsExactly("miss");
            HttpResponseFor<ChatCompletion> hit = client().chat().completions().withRawResponse().create(params);
            assertThat(hit.headers().values("x-gemgate-cache")).containsExactly("hit");
            assertThat(hit.headers().values("x-gemgate-cost-usd")).containsExactly("0.000000");
            assertThat(content(hit.parse())).isEqualTo(content(miss.parse()));

            OpenAIClient noCache = OpenAIOkHttpClient.builder().baseUrl(gateway + "v1beta/openai")
                    .apiKey(issued.secret().reveal()).maxRetries(0).putHeader("Cache-Control", "no-cache").build();
            assertThat(noCache.chat().completions().withRawResponse().create(params).headers()
                    .values("x-gemgate-cache")).containsExactly("bypass");

            StringBuilder streamed = new StringBuilder();
            try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> stream = client().chat().completions()
                    .withRawResponse().createStreaming(params)) {
                assertThat(stream.headers().values("x-gemgate-cache")).containsExactly("hit");
                stream.parse().stream().forEach(c -> c.choices()
                        .forEach(choice -> choice.delta().content().ifPresent(streamed::append)));
            }
            assertThat(streamed.toString()).isEqualTo(content(miss.parse()));
        } finally {
            io.restassured.RestAssured.given().header("Authorization", BOOTSTRAP).delete(policy).then()
                    .statusCode(204);
        }
    }

    @Test
    void streamingSendsARoleDeltaContentDeltasAFinishReasonAndTheUsageLast() {
        ChatCompletionCreateParams params = hello("gemini-2.5-flash",
                "one two three four five six seven eight nine ten eleven twelve thirteen fourteen")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }

        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(chunks.get(0).choices().get(0).delta().role())
                .hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo(
                "Echo: one two three four five six seven eight nine ten eleven twelve thirteen fourteen");
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage()).hasValueSatisfying(u -> {
            assertThat(u.promptTokens()).isPositive();
            assertThat(u.completionTokens()).isPositive();
        });
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("gemini-2.5-flash"));
    }

    @Test
    void aToolCallRoundTripOnAGemini3ThinkingModelCarriesTheThoughtSignature() throws Exception {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gemini-3.5-flash")
                .addUserMessage("What is the weather in Paris?").addFunctionTool(weatherFunction()).build();
        ChatCompletion called = client().chat().completions().create(first);

        ChatCompletionMessage message = called.choices().get(0).message();
        assertThat(called.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments()).has("city")).isTrue();
        String signature = lastUpstreamResponseSignature(call);

        // what the SDK keeps when the assistant message goes back: extra_content on the tool call survives toParam()
        JsonNode param = JSON.readTree(ObjectMappers.jsonMapper().writeValueAsString(message.toParam()));
        assertThat(param.get("tool_calls").get(0).get("extra_content").get("google").get("thought_signature")
                .asText()).isEqualTo(signature);
        assertThat(param.get("tool_calls").get(0).get("id").asText()).isEqualTo(call.id());
        // the client appends the assistant message it received and the tool's answer, as the SDK's docs show
        ChatCompletionCreateParams second = first.toBuilder().addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("{\"temperature\":21}").build()).build();
        ChatCompletion answered = client().chat().completions().create(second);

        assertThat(content(answered)).isEqualTo("Echo: {\"temperature\":21}");
        assertThat(answered.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        JsonNode sent = lastUpstreamBody("gemini-3.5-flash");
        JsonNode modelTurn = sent.get("contents").get(1);
        assertThat(modelTurn.get("role").asText()).isEqualTo("model");
        assertThat(modelTurn.get("parts").get(0).get("thoughtSignature").asText()).isEqualTo(signature);
        assertThat(sent.get("contents").get(2).get("parts").get(0).get("functionResponse").get("name").asText())
                .isEqualTo("get_weather");
    }

    /** The signature the tool call carries (both ways), checked against what the emulator signed. */
    private static String lastUpstreamResponseSignature(ChatCompletionMessageFunctionToolCall call) {
        JsonValue extra = call._additionalProperties().get("extra_content");
        assertThat(extra).as("extra_content on the tool call").isNotNull();
        String signature = ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) extra.convert(java.util.Map.class))
                .get("google")).get("thought_signature").toString();
        assertThat(signature).isNotBlank();
        assertThat(call.id()).endsWith("__thought__" + signature);
        return signature;
    }

    @Test
    void theSignatureSurvivesInTheIdAloneAndAToolCallWithoutItIsRefusedByGemini3() throws Exception {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gemini-3.5-flash")
                .addUserMessage("Weather in Rome?").addFunctionTool(weatherFunction()).build();
        ChatCompletionMessageFunctionToolCall call = client().chat().completions().create(first).choices().get(0)
                .message().toolCalls().orElseThrow().get(0).asFunction();

        // a client that rebuilds the assistant message from typed fields only: id, name, arguments
        ChatCompletionMessageFunctionToolCall rebuilt = ChatCompletionMessageFunctionToolCall.builder().id(call.id())
                .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(call.function().name())
                        .arguments(call.function().arguments()).build()).build();
        ChatCompletion answered = client().chat().completions().create(continued(first, rebuilt));
        assertThat(content(answered)).isEqualTo("Echo: {\"temperature\":19}");

        ChatCompletionMessageFunctionToolCall unsigned = rebuilt.toBuilder().id("call_forged").build();
        assertThatThrownBy(() -> client().chat().completions().create(continued(first, unsigned)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.type()).hasValue("invalid_request_error");
                    assertThat(e.getMessage()).contains("thought_signature");
                });
    }

    private static ChatCompletionCreateParams continued(ChatCompletionCreateParams first,
                                                        ChatCompletionMessageFunctionToolCall call) {
        return first.toBuilder()
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .addToolCall(ChatCompletionMessageToolCall.ofFunction(call)).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content("{\"temperature\":19}").build()).build();
    }

    @Test
    void aStreamedToolCallArrivesAsAToolCallDelta() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gemini-3.5-flash")
                .addUserMessage("Weather in Oslo?").addFunctionTool(weatherFunction()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        List<ChatCompletionChunk.Choice.Delta.ToolCall> calls = new ArrayList<>();
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(calls::addAll)));
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.index()).isZero();
            assertThat(call.function().orElseThrow().name()).hasValue("get_weather");
            assertThat(call.id().orElseThrow()).contains("__thought__");
        });
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void anImageDataUrlReachesGeminiAsInlineData() throws Exception {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gemini-2.5-flash")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                .text("What is in this picture?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url("data:image/png;base64," + PNG).build()).build())))
                .build();
        ChatCompletion completion = client().chat().completions().create(params);

        assertThat(content(completion)).isEqualTo("Echo: What is in this picture?");
        JsonNode inline = lastUpstreamBody("gemini-2.5-flash").get("contents").get(0).get("parts").get(1)
                .get("inlineData");
        assertThat(inline.get("mimeType").asText()).isEqualTo("image/png");
        assertThat(inline.get("data").asText()).isEqualTo(PNG);
        assertThat(completion.usage().orElseThrow().promptTokens()).isGreaterThan(258);
    }

    @Test
    void aRemoteImageUrlIsRefusedUnlessAllowed() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gemini-2.5-flash")
                .addUserMessageOfArrayOfContentParts(List.of(ChatCompletionContentPart.ofImageUrl(
                        ChatCompletionContentPartImage.builder().imageUrl(ChatCompletionContentPartImage.ImageUrl
                                .builder().url("http://169.254.169.254/latest/meta-data/x.png").build()).build())))
                .build();
        assertThatThrownBy(() -> client().chat().completions().create(params))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("messages[0].content[0].image_url.url");
                    assertThat(e.code()).hasValue("image_url_not_allowed");
                });
    }

    @Test
    void aJsonSchemaResponseFormatGivesJsonThatFollowsIt() throws Exception {
        ChatCompletionCreateParams params = hello("gemini-2.5-flash", "Name a city.")
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                        .builder().name("city").strict(true).schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of(
                                        "name", java.util.Map.of("type", "string"),
                                        "population", java.util.Map.of("type", "integer"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("name", "population")))
                                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                                .build()).build()).build())
                .build();
        JsonNode answer = JSON.readTree(content(client().chat().completions().create(params)));

        assertThat(answer.get("name").isTextual()).isTrue();
        assertThat(answer.get("population").isIntegralNumber()).isTrue();
        JsonNode config = lastUpstreamBody("gemini-2.5-flash").get("generationConfig");
        assertThat(config.get("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.get("responseJsonSchema").get("required").size()).isEqualTo(2);
    }

    @Test
    void reasoningEffortSetsTheThinkingLevelAndReasoningTokensAreReported() throws Exception {
        ChatCompletion completion = client().chat().completions().create(hello("gemini-3.5-flash", "Think a little.")
                .reasoningEffort(ReasoningEffort.LOW).build());

        assertThat(lastUpstreamBody("gemini-3.5-flash").get("generationConfig").get("thinkingConfig")
                .get("thinkingLevel").asText()).isEqualTo("low");
        var usage = completion.usage().orElseThrow();
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).hasValue(64L);
        assertThat(usage.completionTokens()).isGreaterThan(64);
    }

    @Test
    void anUnknownKeyIs401InOpenAisShape() {
        assertThatThrownBy(() -> client("v1", "gmg_" + "0".repeat(40)).chat().completions()
                .create(hello("gemini-2.5-flash", "hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).hasValue("invalid_api_key");
                    assertThat(e.type()).hasValue("authentication_error");
                });
    }

    @Test
    void aRevokedKeyIs401LikeOpenAisDeletedKeys() {
        keys.save(issued.key().revokedAt(Instant.now()));
        assertThatThrownBy(() -> client().chat().completions().create(hello("gemini-2.5-flash", "hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.code()).hasValue("invalid_api_key");
                    assertThat(e.getMessage()).contains("revoked");
                });
    }

    @Test
    void aKeyScopedToTheGeminiSurfaceIs403Here() {
        String geminiOnly = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "gemini only", Optional.empty(),
                KeyScopes.parse(List.of(), List.of("GEMINI"), List.of()), ADMIN)).secret().reveal();
        assertThatThrownBy(() -> client("v1beta/openai", geminiOnly).chat().completions()
                .create(hello("gemini-2.5-flash", "hi").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.code()).hasValue("permission_denied");
                });
        String openAiOnly = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "openai only", Optional.empty(),
                KeyScopes.parse(List.of(), List.of("OPENAI"), List.of()), ADMIN)).secret().reveal();
        assertThat(content(client("v1beta/openai", openAiOnly).chat().completions()
                .create(hello("gemini-2.5-flash", "scoped").build()))).isEqualTo("Echo: scoped");
    }

    @Test
    void aRateLimitIs429WithRetryAfter() {
        setApiKeyRateLimits.execute(new SetApiKeyRateLimits.Command(tenant.id(), issued.key().id(),
                new LimitOverrides(OptionalLong.of(1), OptionalLong.empty(), OptionalLong.empty(),
                        OptionalLong.empty()), ADMIN));
        client().chat().completions().create(hello("gemini-2.5-flash", "first").build());
        assertThatThrownBy(() -> client().chat().completions().create(hello("gemini-2.5-flash", "second").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).hasValue("rate_limit_exceeded");
                    assertThat(e.type()).hasValue("requests");
                    assertThat(e.headers().values("Retry-After")).singleElement()
                            .satisfies(s -> assertThat(Long.parseLong(s)).isBetween(1L, 60L));
                });
    }

    @Test
    void anExhaustedBudgetIs429InsufficientQuota() {
        addBudget.execute(new AddBudget.Command(tenant.id(), new BudgetSpec(BudgetScope.TENANT, Optional.empty(),
                Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofMicros(1), List.of()), ADMIN));
        assertThatThrownBy(() -> client().chat().completions().create(hello("gemini-2.5-flash", "pricey").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).hasValue("insufficient_quota");
                    assertThat(e.type()).hasValue("insufficient_quota");
                });
    }

    @Test
    void badInputIs400NamingTheParameter() {
        assertThatThrownBy(() -> client().chat().completions().create(hello("gemini-2.5-flash", "hi")
                .temperature(5.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("temperature");
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
        assertThatThrownBy(() -> client().chat().completions().create(hello("gemini-2.5-flash", "hi")
                .putAdditionalBodyProperty("frobnicate", JsonValue.from(true)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).hasValue("frobnicate");
                    assertThat(e.getMessage()).contains("Unrecognized request argument supplied: frobnicate");
                });
        assertThatThrownBy(() -> client().chat().completions().create(hello("gemini-0-nonexistent", "hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
    }

    @Test
    void anErrorBeforeTheStreamBeganIsAnOrdinaryErrorResponse() {
        ChatCompletionCreateParams params = hello("gemini-2.5-flash", "hi").temperature(9.0).build();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .isNotInstanceOf(SseException.class);
    }

    @Test
    void aStreamCutAfterItBeganEndsWithAnErrorEventTheSdkRaises() {
        GatewayTestResources.emulator().faults().cutStreamAfter(1, 2);
        List<String> texts = new ArrayList<>();
        ChatCompletionCreateParams params = hello("gemini-2.5-flash",
                "one two three four five six seven eight nine ten eleven twelve thirteen fourteen").build();
        try {
            assertThatThrownBy(() -> {
                try (StreamResponse<ChatCompletionChunk> stream = client().chat().completions()
                        .createStreaming(params)) {
                    stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(texts::add)));
                }
            }).isInstanceOfSatisfying(SseException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(200);
                assertThat(e.code()).hasValue("upstream_unavailable");
                assertThat(e.type()).hasValue("server_error");
            });
        } finally {
            GatewayTestResources.emulator().faults().clear();
        }
        assertThat(String.join("", texts)).startsWith("Echo: one").isNotEqualTo(
                "Echo: one two three four five six seven eight nine ten eleven twelve thirteen fourteen");
    }

    @Test
    void theEventStreamIsOpenAisFramingEndingWithDoneAndNamesTheServedModel() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway + "v1/chat/completions"))
                        .header("Authorization", "Bearer " + issued.secret().reveal())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model":"gemini-2.5-flash","stream":true,
                                 "messages":[{"role":"user","content":"one two three four five six"}]}"""))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("x-gemgate-served-model")).hasValue("gemini-2.5-flash");
        assertThat(response.headers().firstValue("trailer")).hasValue("x-gemgate-cost-usd");
        String[] events = response.body().split("\n\n");
        assertThat(events[0]).startsWith("data: {\"id\":\"chatcmpl-")
                .contains("\"object\":\"chat.completion.chunk\"")
                .contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(events[events.length - 2]).contains("\"finish_reason\":\"stop\"");
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    }

    @Test
    void theWrongMethodAndAMissingKeyAreOpenAiShapedToo() throws Exception {
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway + "v1beta/openai/chat/completions")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(get.body()).get("error").get("code").asText()).isEqualTo("method_not_allowed");

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway + "v1/chat/completions")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        JsonNode error = JSON.readTree(anonymous.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("authentication_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(anonymous.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void anUnknownPathUnderGooglesLayoutIsAnOpenAiShaped404() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway + "v1beta/openai/no/such/thing"))
                        .header("Authorization", "Bearer " + issued.secret().reveal()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("unknown_url");
        assertThat(error.has("param")).isTrue();
    }
}
