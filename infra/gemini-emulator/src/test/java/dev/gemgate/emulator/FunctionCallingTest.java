package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Function calling: the call, its args, id and signature, the round trip, streaming, Gemini 3+'s signature check. */
class FunctionCallingTest extends EmulatorTestBase {

    static final String TOOLS = "\"tools\":[{\"functionDeclarations\":["
            + "{\"name\":\"get_weather\",\"description\":\"Weather in a city\",\"parameters\":{\"type\":\"OBJECT\","
            + "\"properties\":{\"city\":{\"type\":\"STRING\"},\"days\":{\"type\":\"INTEGER\"},"
            + "\"unit\":{\"type\":\"STRING\",\"enum\":[\"celsius\",\"fahrenheit\"]},\"detailed\":{\"type\":\"BOOLEAN\"},"
            + "\"note\":{\"type\":\"STRING\"}},\"required\":[\"city\",\"days\",\"unit\",\"detailed\"]}},"
            + "{\"name\":\"get_time\",\"parametersJsonSchema\":{\"type\":\"object\",\"properties\":{"
            + "\"zone\":{\"type\":\"string\"},\"when\":{\"type\":\"object\",\"properties\":{\"hour\":{\"type\":\"number\"}}},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}]}]";

    static String generate(String model) {
        return "/v1beta/models/" + model + ":generateContent";
    }

    static String request(String contents, String extra) {
        return "{\"contents\":" + contents + "," + TOOLS + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static final String ASK = "[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]}]";

    @Test
    void aFreshUserTurnGetsACallOfTheFirstFunctionWithItsRequiredArgs() {
        JsonNode reply = client.post(generate("gemini-2.5-flash"), request(ASK, "")).json();

        JsonNode candidate = reply.at("/candidates/0");
        assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
        JsonNode parts = candidate.at("/content/parts");
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).has("text")).isFalse();
        JsonNode call = parts.get(0).path("functionCall");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("args").toString())
                .isEqualTo("{\"city\":\"city\",\"days\":1,\"unit\":\"celsius\",\"detailed\":true}");
        assertThat(call.has("id")).as("Gemini 2.5 on the Developer API sends no id").isFalse();
        assertThat(parts.get(0).has("thoughtSignature")).isFalse();

        JsonNode usage = reply.path("usageMetadata");
        int callTokens = EmulatorTokenizer.count(call.toString());
        assertThat(usage.path("candidatesTokenCount").asInt()).isEqualTo(callTokens);
        assertThat(usage.path("promptTokenCount").asInt()).isEqualTo(EmulatorTokenizer.count("Weather in Paris?"));
        assertThat(usage.path("totalTokenCount").asInt()).isEqualTo(usage.path("promptTokenCount").asInt() + callTokens);
        assertThat(usage.at("/candidatesTokensDetails/0/tokenCount").asInt()).isEqualTo(callTokens);
    }

    @Test
    void anyWithAllowedNamesCallsTheFirstAllowedFunctionAndAllPropertiesWhenNoneIsRequired() {
        String config = "\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_time\"]}}";
        JsonNode call = client.post(generate("gemini-2.5-flash"), request(ASK, config)).json()
                .at("/candidates/0/content/parts/0/functionCall");
        assertThat(call.path("name").asText()).isEqualTo("get_time");
        assertThat(call.path("args").toString()).isEqualTo("{\"zone\":\"zone\",\"when\":{\"hour\":1},\"tags\":[\"tags\"]}");
    }

    @Test
    void modeNoneAnswersWithText() {
        String config = "\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}";
        JsonNode part = client.post(generate("gemini-2.5-flash"), request(ASK, config)).json().at("/candidates/0/content/parts/0");
        assertThat(part.path("text").asText()).isEqualTo("Echo: Weather in Paris?");
        assertThat(part.has("functionCall")).isFalse();
    }

    @Test
    void aFunctionResponseTurnIsEchoedAsTheJsonOfItsResponse() {
        String contents = "[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris?\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\","
                + "\"response\":{\"temp\":21,\"sky\":\"clear\"}}}]}]";
        JsonNode reply = client.post(generate("gemini-2.5-flash"), request(contents, "")).json();
        assertThat(reply.at("/candidates/0/content/parts/0/text").asText())
                .isEqualTo("Echo: {\"temp\":21,\"sky\":\"clear\"}");
        assertThat(reply.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void gemini3CallsCarryAnIdAndAThoughtSignatureDeterministically() {
        String body = request(ASK, "");
        JsonNode reply = client.post(generate("gemini-3.5-flash"), body).json();
        JsonNode part = reply.at("/candidates/0/content/parts/0");
        JsonNode call = part.path("functionCall");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("id").asText()).matches("[a-z]{8}");
        assertThat(Base64.getDecoder().decode(part.path("thoughtSignature").asText())).hasSize(32);

        JsonNode again = client.post(generate("gemini-3.5-flash"), body).json().at("/candidates/0/content/parts/0");
        assertThat(again).isEqualTo(part);

        JsonNode usage = reply.path("usageMetadata");
        assertThat(usage.path("candidatesTokenCount").asInt()).isEqualTo(EmulatorTokenizer.count(call.toString()));
        assertThat(usage.path("totalTokenCount").asInt()).isEqualTo(usage.path("promptTokenCount").asInt()
                + usage.path("candidatesTokenCount").asInt() + usage.path("thoughtsTokenCount").asInt());
    }

    @Test
    void theRoundTripWithTheSignatureIsAcceptedOnGemini3AndSentBackCallsCountAsPrompt() throws Exception {
        JsonNode modelTurn = client.post(generate("gemini-4-argon"), request(ASK, "")).json().at("/candidates/0/content");
        ArrayNode contents = (ArrayNode) EmulatorClient.JSON.readTree(ASK);
        contents.add(modelTurn);
        JsonNode call = modelTurn.at("/parts/0/functionCall");
        ObjectNode response = contents.addObject().put("role", "user").putArray("parts").addObject()
                .putObject("functionResponse");
        response.put("id", call.path("id").asText()).put("name", "get_weather").putObject("response").put("temp", 21);

        EmulatorClient.Reply reply = client.post(generate("gemini-4-argon"), request(contents.toString(), ""));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: {\"temp\":21}");
        assertThat(reply.json().at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(
                EmulatorTokenizer.count("Weather in Paris?") + EmulatorTokenizer.count(call.toString())
                        + EmulatorTokenizer.count(contents.get(2).at("/parts/0/functionResponse").toString()));
    }

    static String historyWithCalls(String firstCallPart, String secondCallPart) {
        return "[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Paris and Rome?\"}]},"
                + "{\"role\":\"model\",\"parts\":[" + firstCallPart + "," + secondCallPart + "]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"t\":1}}},"
                + "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"t\":2}}}]}]";
    }

    static final String CALL_PARIS = "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}";
    static final String CALL_ROME = "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Rome\"}}}";

    @ParameterizedTest
    @ValueSource(strings = {"gemini-3.5-flash", "gemini-3.1-pro-preview", "gemini-4-hydrogen"})
    void gemini3RefusesACurrentTurnCallWithoutItsSignature(String model) {
        EmulatorClient.Reply reply = client.post(generate(model),
                request(historyWithCalls(CALL_PARIS + "}", CALL_ROME), ""));
        assertThat(reply.status()).isEqualTo(400);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("code").asInt()).isEqualTo(400);
        assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).isEqualTo("Function call is missing a thought_signature in "
                + "functionCall parts. This is required for tools to work correctly, and missing thought_signature may "
                + "lead to degraded model performance. Additional data, function call `default_api:get_weather` , "
                + "position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");

        String stream = "/v1beta/models/" + model + ":streamGenerateContent?alt=sse";
        assertThat(client.post(stream, request(historyWithCalls(CALL_PARIS + "}", CALL_ROME), "")).status())
                .isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c2lnbmF0dXJl", "skip_thought_signature_validator", "context_engineering_is_the_way_to_go"})
    void onlyTheFirstCallOfAStepNeedsASignatureAndAnyValuePasses(String signature) {
        String signed = CALL_PARIS + ",\"thoughtSignature\":\"" + signature + "\"}";
        EmulatorClient.Reply reply = client.post(generate("gemini-3.5-flash"), request(historyWithCalls(signed, CALL_ROME), ""));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: {\"t\":1} {\"t\":2}");
    }

    @Test
    void earlierTurnsAndGemini25AreNotChecked() {
        String unsigned = historyWithCalls(CALL_PARIS + "}", CALL_ROME);
        assertThat(client.post(generate("gemini-2.5-flash"), request(unsigned, "")).status()).isEqualTo(200);

        // a later user text starts a new turn: the unsigned call before it is history, not checked
        String later = unsigned.substring(0, unsigned.length() - 1)
                + ",{\"role\":\"model\",\"parts\":[{\"text\":\"Sunny both.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"text\":\"Thanks\"}]}]";
        EmulatorClient.Reply reply = client.post(generate("gemini-3.5-flash"), request(later, ""));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().at("/candidates/0/content/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void aSecondStepOfTheCurrentTurnIsCheckedToo() {
        String signedFirstStep = "[{\"role\":\"user\",\"parts\":[{\"text\":\"Plan\"}]},"
                + "{\"role\":\"model\",\"parts\":[" + CALL_PARIS + ",\"thoughtSignature\":\"c2ln\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"t\":1}}}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"Now the time.\"},"
                + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{}}}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_time\",\"response\":{\"h\":9}}}]}]";
        EmulatorClient.Reply reply = client.post(generate("gemini-3.5-flash"), request(signedFirstStep, ""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/message").asText()).contains("`default_api:get_time` , position 4.");
    }

    @Test
    void aStreamedCallIsOneChunkWithTheCallTheSignatureTheFinishReasonAndTheUsage() throws Exception {
        String body = request(ASK, "");
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-3.5-flash:streamGenerateContent?alt=sse", body);
        assertThat(reply.status()).isEqualTo(200);
        List<JsonNode> events = StreamingTest.events(reply.body());
        assertThat(events).hasSize(1);
        JsonNode unary = client.post(generate("gemini-3.5-flash"), body).json();
        JsonNode chunk = events.getFirst();
        assertThat(chunk.at("/candidates/0/content/parts/0")).isEqualTo(unary.at("/candidates/0/content/parts/0"));
        assertThat(chunk.at("/candidates/0/content/parts/0/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(chunk.at("/candidates/0/content/parts/0/thoughtSignature").asText()).isNotEmpty();
        assertThat(chunk.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(chunk.path("usageMetadata")).isEqualTo(unary.path("usageMetadata"));

        JsonNode array = client.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", body).json();
        assertThat(array).hasSize(1);
        assertThat(array.at("/0/candidates/0/content/parts/0/functionCall/args/city").asText()).isEqualTo("city");
    }

    @Test
    void aCallThatDoesNotFitMaxOutputTokensLeavesAnEmptyAnswer() {
        JsonNode reply = client.post(generate("gemini-2.5-flash"),
                request(ASK, "\"generationConfig\":{\"maxOutputTokens\":3}")).json();
        assertThat(reply.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(reply.at("/candidates/0/content/parts/0/text").asText()).isEmpty();
        assertThat(reply.at("/usageMetadata/candidatesTokenCount").asInt()).isZero();
    }

    @Test
    void candidatesEachGetTheCallWithTheirOwnId() {
        JsonNode candidates = client.post(generate("gemini-3.5-flash"),
                request(ASK, "\"generationConfig\":{\"candidateCount\":2}")).json().path("candidates");
        assertThat(candidates).hasSize(2);
        String first = candidates.at("/0/content/parts/0/functionCall/id").asText();
        String second = candidates.at("/1/content/parts/0/functionCall/id").asText();
        assertThat(first).matches("[a-z]{8}");
        assertThat(second).matches("[a-z]{8}").isNotEqualTo(first);
    }
}
