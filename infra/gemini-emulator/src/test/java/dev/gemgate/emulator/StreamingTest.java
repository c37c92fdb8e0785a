package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingTest {

    static final String PROMPT = "Tell me a fairly long story about a brave little tokenizer and its friends.";

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(4).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** The JSON of each {@code data:} event; asserts the {@code \r\n\r\n} framing. */
    static List<JsonNode> events(String body) throws Exception {
        assertThat(body).endsWith("\r\n\r\n");
        List<JsonNode> events = new ArrayList<>();
        for (String event : body.split("\r\n\r\n")) {
            assertThat(event).startsWith("data: ");
            String json = event.substring("data: ".length());
            assertThat(json).doesNotContain("\n").isNotEqualTo("[DONE]");
            events.add(EmulatorClient.JSON.readTree(json));
        }
        return events;
    }

    @Test
    void sseStreamsSeveralChunksTheLastWithFinishReasonAndUsage() throws Exception {
        EmulatorClient.Reply reply = client.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                EmulatorClient.userText(PROMPT));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("text/event-stream");
        assertThat(reply.body()).doesNotContain("[DONE]");
        List<JsonNode> events = events(reply.body());
        String expected = "Echo: " + PROMPT;
        int expectedTokens = EmulatorTokenizer.count(expected);
        assertThat(events).hasSize((expectedTokens + 3) / 4);

        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            JsonNode candidate = event.path("candidates").get(0);
            text.append(candidate.at("/content/parts/0/text").asText());
            assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
            assertThat(event.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
            boolean last = i == events.size() - 1;
            assertThat(candidate.has("finishReason")).isEqualTo(last);
            assertThat(event.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(EmulatorTokenizer.count(PROMPT));
            assertThat(event.path("usageMetadata").has("candidatesTokenCount")).isEqualTo(last);
        }
        assertThat(text.toString()).isEqualTo(expected);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(last.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(expectedTokens);
        assertThat(last.at("/usageMetadata/totalTokenCount").asInt())
                .isEqualTo(expectedTokens + EmulatorTokenizer.count(PROMPT));

        // same text and usage as the unary call
        JsonNode unary = client.post("/v1beta/models/gemini-2.5-flash:generateContent", EmulatorClient.userText(PROMPT)).json();
        assertThat(unary.at("/candidates/0/content/parts/0/text").asText()).isEqualTo(expected);
        assertThat(unary.path("usageMetadata").path("totalTokenCount")).isEqualTo(last.at("/usageMetadata/totalTokenCount"));
    }

    @Test
    void streamRespectsMaxOutputTokens() throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + EmulatorClient.quote(PROMPT) + "}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":10}}";
        List<JsonNode> events = events(client.post("/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body).body());
        assertThat(events).hasSize(3);
        JsonNode last = events.get(2);
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(last.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(10);
    }

    @Test
    void withoutAltSseTheReplyIsAJsonArray() {
        EmulatorClient.Reply reply = client.post("/v1beta/models/models/gemini-2.5-flash:streamGenerateContent",
                EmulatorClient.userText(PROMPT));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode array = reply.json();
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isGreaterThan(1);
        StringBuilder text = new StringBuilder();
        array.forEach(e -> text.append(e.at("/candidates/0/content/parts/0/text").asText()));
        assertThat(text.toString()).isEqualTo("Echo: " + PROMPT);
        assertThat(array.get(array.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void theJsonArrayFormIsOneElementPerChunkSeparatedByCrLfComma() throws Exception {
        String body;
        try (StreamReader stream = StreamReader.openRaw(emulator, "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                EmulatorClient.userText(PROMPT))) {
            body = stream.rest();
        }
        assertThat(body).startsWith("[{\"candidates\"").endsWith("}]");
        String[] elements = body.substring(1, body.length() - 1).split("\r\n,", -1);
        assertThat(elements).hasSize((EmulatorTokenizer.count("Echo: " + PROMPT) + 3) / 4);
        for (String element : elements) {
            assertThat(element).startsWith("{").endsWith("}").doesNotContain("\n");
            assertThat(EmulatorClient.JSON.readTree(element).has("candidates")).isTrue();
        }
    }

    @Test
    void chunksAreNotStampedUnlessConfigured() throws Exception {
        String body = client.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                EmulatorClient.userText(PROMPT)).body();
        assertThat(body).doesNotContain("emulatorSentAtMicros");
        assertThat(events(body)).hasSizeGreaterThan(1);
    }

    @Test
    void shortReplyIsOneChunkWithEverything() throws Exception {
        List<JsonNode> events = events(client.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                EmulatorClient.userText("hi")).body());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: hi");
        assertThat(events.get(0).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }
}
