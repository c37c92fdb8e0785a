package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Gemini 3.x and 4 thinking: levels, budgets, thoughtsTokenCount, thought signatures; Gemini 4's shared limit. */
class ThinkingTest extends EmulatorTestBase {

    static String generate(String model) {
        return "/v1beta/models/" + model + ":generateContent";
    }

    static String withThinking(String text, String thinkingConfig) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + EmulatorClient.quote(text) + "}]}],"
                + "\"generationConfig\":{\"thinkingConfig\":" + thinkingConfig + "}}";
    }

    @Test
    void gemini4ModelsAreListedWithOneSharedLimitAndTheDefaultOutputCap() {
        for (String id : List.of("gemini-4-argon", "gemini-4-hydrogen")) {
            JsonNode model = client.get("/v1beta/models/" + id).json();
            assertThat(model.path("name").asText()).isEqualTo("models/" + id);
            assertThat(model.path("version").asText()).isEqualTo("4");
            assertThat(model.path("inputTokenLimit").asInt()).isEqualTo(1_048_576);
            assertThat(model.path("outputTokenLimit").asInt()).isEqualTo(65_536);
            assertThat(model.path("supportedGenerationMethods").toString()).contains("streamGenerateContent");
            assertThat(KnownModel.find(id).sharedTokenLimit()).isTrue();
        }
        assertThat(KnownModel.find("gemini-4-argon").thinking().defaultLevel()).isEqualTo("medium");
        assertThat(KnownModel.find("gemini-4-hydrogen").thinking().levels()).contains("xhigh");
    }

    @Test
    void argonThinksAtMediumByDefaultBilledAsOutputAndSignsItsFirstPart() {
        String body = EmulatorClient.userText("Hello, world!");
        JsonNode reply = client.post(generate("gemini-4-argon"), body).json();

        JsonNode usage = reply.path("usageMetadata");
        assertThat(usage.path("promptTokenCount").asInt()).isEqualTo(6);
        assertThat(usage.path("candidatesTokenCount").asInt()).isEqualTo(8);
        assertThat(usage.path("thoughtsTokenCount").asInt()).isEqualTo(256);
        assertThat(usage.path("totalTokenCount").asInt()).isEqualTo(6 + 8 + 256);
        JsonNode part = reply.at("/candidates/0/content/parts/0");
        assertThat(part.path("text").asText()).isEqualTo("Echo: Hello, world!");
        String signature = part.path("thoughtSignature").asText();
        assertThat(Base64.getDecoder().decode(signature)).hasSize(32);

        assertThat(client.post(generate("gemini-4-argon"), body).json().at("/candidates/0/content/parts/0/thoughtSignature")
                .asText()).as("deterministic").isEqualTo(signature);
        assertThat(client.post(generate("gemini-4-argon"), EmulatorClient.userText("Hello, there!")).json()
                .at("/candidates/0/content/parts/0/thoughtSignature").asText()).isNotEqualTo(signature);
        assertThat(client.post(generate("gemini-4-hydrogen"), body).json()
                .at("/candidates/0/content/parts/0/thoughtSignature").asText()).isNotEqualTo(signature);
    }

    @ParameterizedTest
    @CsvSource({"gemini-4-argon,low,64", "gemini-4-argon,medium,256", "gemini-4-argon,HIGH,1024",
            "gemini-4-hydrogen,xhigh,4096", "gemini-4-hydrogen,low,64", "gemini-4-argon,THINKING_LEVEL_UNSPECIFIED,256",
            "gemini-3.5-flash,minimal,16", "gemini-3.1-pro-preview,high,1024"})
    void thoughtsTokenCountIsAFixedFigurePerLevel(String model, String level, int thoughts) {
        JsonNode usage = client.post(generate(model), withThinking("hi", "{\"thinkingLevel\":\"" + level + "\"}"))
                .json().path("usageMetadata");
        assertThat(usage.path("thoughtsTokenCount").asInt()).isEqualTo(thoughts);
        assertThat(usage.path("totalTokenCount").asInt())
                .isEqualTo(usage.path("promptTokenCount").asInt() + usage.path("candidatesTokenCount").asInt() + thoughts);
    }

    @Test
    void maxOutputTokensBoundsThoughtsAndAnswerTogether() {
        // medium thinking is 256 tokens: a cap of 260 leaves the answer 4 tokens ("Echo: Hello, world!" is 8)
        JsonNode capped = client.post(generate("gemini-4-argon"),
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello, world!\"}]}],"
                        + "\"generationConfig\":{\"maxOutputTokens\":260}}").json();
        assertThat(capped.at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(256);
        assertThat(capped.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(4);
        assertThat(capped.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        // a cap below the thoughts: they stop at the cap and the answer is empty
        JsonNode starved = client.post(generate("gemini-4-argon"),
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello, world!\"}]}],"
                        + "\"generationConfig\":{\"maxOutputTokens\":100,\"candidateCount\":2}}").json();
        assertThat(starved.at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(200);
        assertThat(starved.at("/usageMetadata/candidatesTokenCount").asInt()).isZero();
        assertThat(starved.at("/candidates/1/finishReason").asText()).isEqualTo("MAX_TOKENS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini-4-argon", "gemini-4-hydrogen"})
    void gemini4RefusesThinkingBudgetAsGoogleDoes(String model) {
        EmulatorClient.Reply reply = client.post(generate(model), withThinking("hi", "{\"thinkingBudget\":1024}"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(reply.json().at("/error/message").asText()).contains("thinking_budget", "thinking_level");
        assertThat(client.post(generate(model).replace("generateContent", "streamGenerateContent?alt=sse"),
                withThinking("hi", "{\"thinkingBudget\":0}")).status()).isEqualTo(400);
    }

    @ParameterizedTest
    @CsvSource({"gemini-4-argon,ultra", "gemini-4-argon,xhigh", "gemini-4-argon,minimal", "gemini-4-hydrogen,max",
            "gemini-3.5-flash,xhigh", "gemini-3.5-flash,''"})
    void anUnknownOrUnsupportedThinkingLevelIs400(String model, String level) {
        EmulatorClient.Reply reply = client.post(generate(model), withThinking("hi", "{\"thinkingLevel\":\"" + level + "\"}"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(client.post(generate(model), withThinking("hi", "{\"thinkingLevel\":3}")).status()).isEqualTo(400);
    }

    @Test
    void gemini3StillTakesAThinkingBudgetButNotWithALevel() {
        assertThat(client.post(generate("gemini-3.5-flash"), withThinking("hi", "{\"thinkingBudget\":100}")).json()
                .at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(100);
        assertThat(client.post(generate("gemini-3.5-flash"), withThinking("hi", "{\"thinkingBudget\":-1}")).json()
                .at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(1024);
        assertThat(client.post(generate("gemini-3.5-flash"), withThinking("hi", "{\"thinkingBudget\":99999}")).json()
                .at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(KnownModel.Thinking.MAX_BUDGET);
        JsonNode none = client.post(generate("gemini-3.5-flash"), withThinking("hi", "{\"thinkingBudget\":0}")).json();
        assertThat(none.path("usageMetadata").has("thoughtsTokenCount")).isFalse();
        assertThat(none.at("/candidates/0/content/parts/0/thoughtSignature").asText()).as("still signed").isNotEmpty();
        assertThat(client.post(generate("gemini-3.5-flash"),
                withThinking("hi", "{\"thinkingBudget\":100,\"thinkingLevel\":\"low\"}")).status()).isEqualTo(400);
        assertThat(client.post(generate("gemini-3-flash-preview"), EmulatorClient.userText("hi")).json()
                .at("/usageMetadata/thoughtsTokenCount").asInt()).as("high by default").isEqualTo(1024);
    }

    @Test
    void gemini25ModelsReportNoThoughtsAndNoSignatureAsBefore() {
        JsonNode reply = client.post(generate("gemini-2.5-flash"),
                withThinking("hi", "{\"thinkingBudget\":512,\"thinkingLevel\":\"bogus\"}")).json();
        assertThat(reply.path("usageMetadata").has("thoughtsTokenCount")).isFalse();
        assertThat(reply.at("/candidates/0/content/parts/0").has("thoughtSignature")).isFalse();
        assertThat(reply.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(
                reply.at("/usageMetadata/promptTokenCount").asInt() + reply.at("/usageMetadata/candidatesTokenCount").asInt());
    }

    @Test
    void aStreamSignsTheFirstPartOfTheFirstChunkAndReportsThoughtsOnEveryChunk() throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"one two three four five six seven\"}]}],"
                + "\"generationConfig\":{\"candidateCount\":2,\"thinkingConfig\":{\"thinkingLevel\":\"high\"}}}";
        List<JsonNode> events = StreamingTest.events(client.post(
                "/v1beta/models/gemini-4-hydrogen:streamGenerateContent?alt=sse", body).body());
        assertThat(events).hasSizeGreaterThan(1);
        int prompt = events.get(0).at("/usageMetadata/promptTokenCount").asInt();
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            for (int c = 0; c < 2; c++) {
                assertThat(event.at("/candidates/" + c + "/content/parts/0").has("thoughtSignature")).isEqualTo(i == 0);
            }
            assertThat(event.at("/usageMetadata/thoughtsTokenCount").asInt()).isEqualTo(2 * 1024);
            if (i < events.size() - 1) {
                assertThat(event.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(prompt + 2 * 1024);
                assertThat(event.path("usageMetadata").has("candidatesTokenCount")).isFalse();
            }
        }
        JsonNode first = events.get(0);
        assertThat(first.at("/candidates/0/content/parts/0/thoughtSignature").asText())
                .isNotEqualTo(first.at("/candidates/1/content/parts/0/thoughtSignature").asText());
        JsonNode unary = client.post(generate("gemini-4-hydrogen"), body).json();
        assertThat(unary.at("/candidates/1/content/parts/0/thoughtSignature"))
                .isEqualTo(first.at("/candidates/1/content/parts/0/thoughtSignature"));
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("usageMetadata")).isEqualTo(unary.path("usageMetadata"));
        assertThat(last.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(
                prompt + last.at("/usageMetadata/candidatesTokenCount").asInt() + 2 * 1024);
    }

    @Test
    void gemini4SharesOneLimitBetweenThePromptAndTheRequestedOutput() {
        int prompt = EmulatorTokenizer.count("hi");
        String fits = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":" + (1_048_576 - prompt) + "}}";
        String over = fits.replace(String.valueOf(1_048_576 - prompt), String.valueOf(1_048_576 - prompt + 1));
        assertThat(client.post(generate("gemini-4-argon"), fits).status()).as("more than 65,536 output is allowed")
                .isEqualTo(200);
        EmulatorClient.Reply refused = client.post(generate("gemini-4-argon"), over);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/message").asText()).contains("1048576");
        assertThat(client.post(generate("gemini-2.5-flash"), over).status()).as("not a shared limit").isEqualTo(200);
    }

    @Test
    void countTokensIgnoresThinking() {
        assertThat(client.post("/v1beta/models/gemini-4-argon:countTokens", EmulatorClient.userText("Hello, world!"))
                .json().path("totalTokens").asInt()).isEqualTo(6);
    }
}
