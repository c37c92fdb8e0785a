package dev.gemgate.emulator;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.google.genai.types.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Function calling, the signature check and structured output as Google's own Java client (google-genai) sees them. */
class GenAiSdkToolsTest extends EmulatorTestBase {

    static Client sdk;

    static final GenerateContentConfig TOOLS = GenerateContentConfig.builder().tools(Tool.builder()
            .functionDeclarations(FunctionDeclaration.builder().name("get_weather").description("Weather in a city")
                    .parameters(Schema.builder().type(Type.Known.OBJECT)
                            .properties(Map.of("city", Schema.builder().type(Type.Known.STRING).build()))
                            .required("city").build())
                    .build())
            .build()).build();

    @BeforeAll
    static void client() {
        sdk = Client.builder().apiKey(EmulatorClient.KEY).httpOptions(HttpOptions.builder().baseUrl(emulator.baseUrl())
                .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
    }

    @Test
    void theSdkReadsTheCallAndTheRoundTripWithItsSignatureIsAccepted() {
        Content ask = Content.fromParts(Part.fromText("Weather in Paris?"));
        GenerateContentResponse first = sdk.models.generateContent("gemini-3.5-flash", ask, TOOLS);
        FunctionCall call = first.functionCalls().getFirst();
        assertThat(call.name()).contains("get_weather");
        assertThat(call.args()).contains(Map.of("city", "city"));
        assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).matches("[a-z]{8}"));
        Content modelTurn = first.candidates().orElseThrow().getFirst().content().orElseThrow();
        assertThat(modelTurn.parts().orElseThrow().getFirst().thoughtSignature()).hasValueSatisfying(
                signature -> assertThat(signature).hasSize(32));

        Content result = Content.builder().role("user").parts(Part.builder().functionResponse(FunctionResponse.builder()
                .id(call.id().orElseThrow()).name("get_weather").response(Map.of("temp", 21)).build()).build()).build();
        GenerateContentResponse second = sdk.models.generateContent("gemini-3.5-flash", List.of(ask, modelTurn, result), TOOLS);
        assertThat(second.text()).isEqualTo("Echo: {\"temp\":21}");

        Content unsigned = Content.builder().role("model").parts(Part.builder().functionCall(call).build()).build();
        assertThatThrownBy(() -> sdk.models.generateContent("gemini-3.5-flash", List.of(ask, unsigned, result), TOOLS))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status()).isEqualTo("INVALID_ARGUMENT");
                    assertThat(e.message()).contains("Function call is missing a thought_signature",
                            "`default_api:get_weather` , position 2.");
                });
    }

    @Test
    void theSdkStreamsACall() {
        List<FunctionCall> calls = new ArrayList<>();
        try (ResponseStream<GenerateContentResponse> stream = sdk.models.generateContentStream("gemini-2.5-flash",
                Content.fromParts(Part.fromText("Weather?")), TOOLS)) {
            for (GenerateContentResponse chunk : stream) {
                calls.addAll(chunk.functionCalls());
            }
        }
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().name()).contains("get_weather");
        assertThat(calls.getFirst().id()).isEmpty();
    }

    @Test
    void theSdkGetsJsonForAResponseSchema() {
        GenerateContentConfig config = GenerateContentConfig.builder().responseMimeType("application/json")
                .responseSchema(Schema.builder().type(Type.Known.OBJECT).properties(Map.of(
                        "answer", Schema.builder().type(Type.Known.INTEGER).build())).build()).build();
        assertThat(sdk.models.generateContent("gemini-2.5-flash", "How much?", config).text()).isEqualTo("{\"answer\":1}");
    }
}
