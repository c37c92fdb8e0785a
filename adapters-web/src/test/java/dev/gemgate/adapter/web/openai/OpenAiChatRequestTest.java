package dev.gemgate.adapter.web.openai;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenAiChatRequestTest {
    private static final ImageUrls NO_REMOTE_IMAGES = new ImageUrls(List.of());
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private static OpenAiChatRequest read(String json) {
        return OpenAiChatRequest.read(json.getBytes(StandardCharsets.UTF_8), NO_REMOTE_IMAGES);
    }

    private static OpenAiChatRequest read(String json, ImageUrls images) {
        return OpenAiChatRequest.read(json.getBytes(StandardCharsets.UTF_8), images);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(OpenAiChatRequest chat) {
        return (Map<String, Object>) chat.request().body().get("generationConfig");
    }

    private static OpenAiError refusal(String json) {
        try {
            read(json);
        } catch (OpenAiRequestException e) {
            return e.error();
        }
        throw new AssertionError("not refused: " + json);
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemInstructionAndRolesMapToGeminis() {
        OpenAiChatRequest chat = read("""
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"system","content":"Be terse."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","content":"Salut"},
                  {"role":"user","content":"Again"}]}""");

        Map<String, Object> body = chat.request().body();
        assertThat(body.get("systemInstruction")).isEqualTo(Map.of("parts",
                List.of(Map.of("text", "Be terse."), Map.of("text", "Answer in French."))));
        assertThat(body.get("contents")).isEqualTo(List.of(
                Map.of("role", "user", "parts", List.of(Map.of("text", "Hi"))),
                Map.of("role", "model", "parts", List.of(Map.of("text", "Salut"))),
                Map.of("role", "user", "parts", List.of(Map.of("text", "Again")))));
        assertThat(chat.request().model()).isEqualTo(ModelId.parse("gemini-2.5-flash"));
        assertThat(chat.stream()).isFalse();
    }

    @Test
    void parametersMapToTheGenerationConfig() {
        OpenAiChatRequest chat = read("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                 "max_completion_tokens":100,"max_tokens":5,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"],
                 "n":2,"seed":7,"presence_penalty":0.1,"frequency_penalty":-0.1,
                 "stream":true,"stream_options":{"include_usage":true},"user":"alice",
                 "store":false,"metadata":{"a":"b"},"parallel_tool_calls":true,"logprobs":false}""");

        assertThat(config(chat)).containsEntry("maxOutputTokens", 100L).containsEntry("temperature", 0.5)
                .containsEntry("topP", 0.9).containsEntry("stopSequences", List.of("END", "STOP"))
                .containsEntry("candidateCount", 2L).containsEntry("seed", 7L)
                .containsEntry("presencePenalty", 0.1).containsEntry("frequencyPenalty", -0.1);
        assertThat(chat.stream()).isTrue();
        assertThat(chat.includeUsage()).isTrue();
        assertThat(chat.endUser()).hasValue("alice");
        assertThat(chat.request().maxOutputTokens()).hasValue(100);
        assertThat(chat.request().candidateCount()).isEqualTo(2);
    }

    @Test
    void maxTokensAloneAndAStopStringAreAccepted() {
        OpenAiChatRequest chat = read("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"max_tokens":5,"stop":"END"}""");
        assertThat(config(chat)).containsEntry("maxOutputTokens", 5L).containsEntry("stopSequences", List.of("END"));
    }

    @Test
    void responseFormatsBecomeJsonOutput() {
        assertThat(config(read("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                 "response_format":{"type":"json_object"}}"""))).containsEntry("responseMimeType", "application/json");
        Map<String, Object> schema = config(read("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"city","strict":true,
                   "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],
                             "additionalProperties":false}}}}"""));
        assertThat(schema).containsEntry("responseMimeType", "application/json");
        assertThat(schema.get("responseJsonSchema")).isEqualTo(Map.of("type", "object",
                "properties", Map.of("name", Map.of("type", "string")), "required", List.of("name"),
                "additionalProperties", false));
    }

    @Test
    void toolsAndToolChoiceMapToFunctionDeclarationsAndTheCallingConfig() {
        Map<String, Object> body = read("""
                {"model":"gemini-3.5-flash","messages":[{"role":"user","content":"Weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"The weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}}}""").request().body();
        assertThat(body.get("tools")).isEqualTo(List.of(Map.of("functionDeclarations", List.of(Map.of(
                "name", "get_weather", "description", "The weather",
                "parametersJsonSchema", Map.of("type", "object", "properties",
                        Map.of("city", Map.of("type", "string"))))))));
        assertThat(body.get("toolConfig")).isEqualTo(Map.of("functionCallingConfig",
                Map.of("mode", "ANY", "allowedFunctionNames", List.of("get_weather"))));

        for (String[] mode : new String[][] {{"none", "NONE"}, {"auto", "AUTO"}, {"required", "ANY"}}) {
            assertThat(read("""
                    {"model":"gemini-3.5-flash","messages":[{"role":"user","content":"Weather?"}],
                     "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"%s"}"""
                    .formatted(mode[0])).request().body().get("toolConfig"))
                    .isEqualTo(Map.of("functionCallingConfig", Map.of("mode", mode[1])));
        }
    }

    @Test
    void aToolCallRoundTripCarriesTheSignatureAndNamesTheFunctionResponse() {
        Map<String, Object> body = read("""
                {"model":"gemini-3.5-flash","messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                     "extra_content":{"google":{"thought_signature":"c2lnLWE="}}},
                    {"id":"call_b__thought__c2lnLWI=","type":"function",
                     "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_a","content":"{\\"temp\\":21}"},
                  {"role":"tool","tool_call_id":"call_b__thought__c2lnLWI=","content":"sunny"}]}""")
                .request().body();

        assertThat(body.get("contents")).isEqualTo(List.of(
                Map.of("role", "user", "parts", List.of(Map.of("text", "Weather in Paris and Rome?"))),
                Map.of("role", "model", "parts", List.of(
                        Map.of("functionCall", Map.of("name", "get_weather", "args", Map.of("city", "Paris")),
                                "thoughtSignature", "c2lnLWE="),
                        Map.of("functionCall", Map.of("name", "get_weather", "args", Map.of("city", "Rome")),
                                "thoughtSignature", "c2lnLWI="))),
                Map.of("role", "user", "parts", List.of(
                        Map.of("functionResponse", Map.of("name", "get_weather", "response", Map.of("temp", 21))),
                        Map.of("functionResponse", Map.of("name", "get_weather",
                                "response", Map.of("content", "sunny")))))));
    }

    @Test
    void imageDataUrlsAreInlineAndRemoteUrlsNeedTheAllowList() {
        Map<String, Object> body = read("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,%s","detail":"low"}}]}]}"""
                .formatted(PNG)).request().body();
        assertThat(body.get("contents")).isEqualTo(List.of(Map.of("role", "user", "parts", List.of(
                Map.of("text", "What is this?"),
                Map.of("inlineData", Map.of("mimeType", "image/png", "data", PNG))))));

        String remote = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"%s"}}]}]}""";
        OpenAiError refused = refusal(remote.formatted("http://169.254.169.254/latest/meta-data.png"));
        assertThat(refused.param()).isEqualTo("messages[0].content[0].image_url.url");
        assertThat(refused.code()).isEqualTo("image_url_not_allowed");

        ImageUrls allowed = new ImageUrls(List.of("https://storage.example.com/bucket/"));
        assertThat(read(remote.formatted("https://storage.example.com/bucket/cat.JPG"), allowed).request().body()
                .get("contents")).isEqualTo(List.of(Map.of("role", "user", "parts", List.of(Map.of("fileData",
                Map.of("mimeType", "image/jpeg", "fileUri", "https://storage.example.com/bucket/cat.JPG"))))));
        for (String outside : List.of("https://storage.example.com/other/cat.png",
                "https://storage.example.com/bucket/../other/cat.png", "https://storage.example.com.evil.net/bucket/a.png",
                "https://user@storage.example.com/bucket/cat.png", "http://storage.example.com/bucket/cat.png")) {
            assertThatThrownBy(() -> read(remote.formatted(outside), allowed))
                    .isInstanceOf(OpenAiRequestException.class).hasMessageContaining("not accepted");
        }
        assertThatThrownBy(() -> read(remote.formatted("https://storage.example.com/bucket/cat"), allowed))
                .isInstanceOf(OpenAiRequestException.class).hasMessageContaining("type is unknown");
    }

    @Test
    void reasoningEffortFollowsTheModelsGeneration() {
        assertThat(OpenAiChatRequest.thinkingConfig("none", ModelId.parse("gemini-2.5-flash")))
                .isEqualTo(Map.of("thinkingBudget", 0));
        assertThat(OpenAiChatRequest.thinkingConfig("medium", ModelId.parse("gemini-2.5-flash")))
                .isEqualTo(Map.of("thinkingBudget", 8192));
        assertThat(OpenAiChatRequest.thinkingConfig("none", ModelId.parse("gemini-3.5-flash")))
                .isEqualTo(Map.of("thinkingLevel", "minimal"));
        assertThat(OpenAiChatRequest.thinkingConfig("high", ModelId.parse("gemini-3.1-pro-preview")))
                .isEqualTo(Map.of("thinkingLevel", "high"));
        assertThat(OpenAiChatRequest.thinkingConfig("minimal", ModelId.parse("gemini-4-argon")))
                .isEqualTo(Map.of("thinkingLevel", "low"));
        assertThat(OpenAiChatRequest.thinkingConfig("xhigh", ModelId.parse("gemini-4-hydrogen")))
                .isEqualTo(Map.of("thinkingLevel", "xhigh"));
        assertThat(config(read("""
                {"model":"gemini-4-argon","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"medium"}""")))
                .containsEntry("thinkingConfig", Map.of("thinkingLevel", "medium"));
    }

    @Test
    void unknownParametersAreRefusedLikeOpenAiDoes() {
        OpenAiError error = refusal("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],"temprature":1}""");
        assertThat(error.httpStatus()).isEqualTo(400);
        assertThat(error.message()).isEqualTo("Unrecognized request argument supplied: temprature");
        assertThat(error.param()).isEqualTo("temprature");
        assertThat(error.code()).isEqualTo("unknown_parameter");
    }

    @Test
    void badValuesNameTheirParameter() {
        String base = """
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}],%s}""";
        assertThat(refusal(base.formatted("\"temperature\":3")).param()).isEqualTo("temperature");
        assertThat(refusal(base.formatted("\"temperature\":\"hot\"")).code()).isEqualTo("invalid_type");
        assertThat(refusal(base.formatted("\"max_tokens\":0")).param()).isEqualTo("max_tokens");
        assertThat(refusal(base.formatted("\"n\":9")).param()).isEqualTo("n");
        assertThat(refusal(base.formatted("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]")).param())
                .isEqualTo("stop");
        assertThat(refusal(base.formatted("\"reasoning_effort\":\"max\"")).param()).isEqualTo("reasoning_effort");
        assertThat(refusal(base.formatted("\"response_format\":{\"type\":\"xml\"}")).param())
                .isEqualTo("response_format.type");
        assertThat(refusal(base.formatted("\"stream_options\":{\"include_usage\":true}")).param())
                .isEqualTo("stream_options");
        assertThat(refusal(base.formatted("\"tool_choice\":\"required\"")).param()).isEqualTo("tool_choice");
        assertThat(refusal(base.formatted("\"logprobs\":true")).param()).isEqualTo("logprobs");
        assertThat(refusal(base.formatted("\"user\":\"al\\u0007ice\"")).param()).isEqualTo("user");
        assertThat(refusal("""
                {"model":"gemini-2.5-flash","messages":[{"role":"wizard","content":"Hi"}]}""").param())
                .isEqualTo("messages[0].role");
        assertThat(refusal("""
                {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"},
                 {"role":"tool","tool_call_id":"call_x","content":"1"}]}""").param())
                .isEqualTo("messages[1].tool_call_id");
        assertThat(refusal("""
                {"model":"gemini-2.5-flash","messages":[]}""").param()).isEqualTo("messages");
        assertThat(refusal("""
                {"messages":[{"role":"user","content":"Hi"}]}""").code()).isEqualTo("missing_required_parameter");
        assertThatThrownBy(() -> read("""
                {"model":"no such model!","messages":[{"role":"user","content":"Hi"}]}"""))
                .isInstanceOf(NotFoundException.class);
    }
}
