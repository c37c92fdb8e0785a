package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Structured output (responseMimeType application/json with or without a schema) and multimodal user turns. */
class StructuredOutputTest extends EmulatorTestBase {

    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

    static String withConfig(String text, String generationConfig) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + EmulatorClient.quote(text) + "}]}],"
                + "\"generationConfig\":" + generationConfig + "}";
    }

    static String text(JsonNode reply) {
        return reply.at("/candidates/0/content/parts/0/text").asText();
    }

    @Test
    void jsonWithoutASchemaIsAnEchoObject() throws Exception {
        JsonNode reply = client.post(GENERATE, withConfig("Hi \"there\"", "{\"responseMimeType\":\"application/json\"}")).json();
        assertThat(text(reply)).isEqualTo("{\"echo\":\"Hi \\\"there\\\"\"}");
        assertThat(EmulatorClient.JSON.readTree(text(reply)).path("echo").asText()).isEqualTo("Hi \"there\"");
        assertThat(reply.at("/usageMetadata/candidatesTokenCount").asInt()).isEqualTo(EmulatorTokenizer.count(text(reply)));
    }

    @Test
    void responseSchemaInGeminisOpenApiSubsetGivesAConformingValueWithEveryProperty() {
        String schema = "{\"type\":\"OBJECT\",\"properties\":{"
                + "\"name\":{\"type\":\"STRING\"},\"age\":{\"type\":\"INTEGER\"},\"score\":{\"type\":\"NUMBER\"},"
                + "\"active\":{\"type\":\"BOOLEAN\"},\"mood\":{\"type\":\"STRING\",\"enum\":[\"happy\",\"sad\"]},"
                + "\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\"}},"
                + "\"address\":{\"type\":\"OBJECT\",\"properties\":{\"zip\":{\"type\":\"STRING\"}},\"required\":[\"zip\"]},"
                + "\"nickname\":{\"type\":\"STRING\",\"nullable\":true}},"
                + "\"required\":[\"name\"],\"propertyOrdering\":[\"age\",\"name\"]}";
        JsonNode reply = client.post(GENERATE, withConfig("Describe Ann",
                "{\"responseMimeType\":\"application/json\",\"responseSchema\":" + schema + "}")).json();
        assertThat(text(reply)).isEqualTo("{\"age\":1,\"name\":\"name\",\"score\":1,\"active\":true,\"mood\":\"happy\","
                + "\"tags\":[\"tags\"],\"address\":{\"zip\":\"zip\"},\"nickname\":\"nickname\"}");
        assertThat(reply.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void responseJsonSchemaFollowsRefsUnionsAndTopLevelStringsTakeTheUserText() {
        String schema = "{\"type\":\"object\",\"properties\":{"
                + "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Item\"},\"minItems\":2},"
                + "\"note\":{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"string\"}]},"
                + "\"count\":{\"type\":[\"integer\",\"null\"],\"minimum\":3},"
                + "\"kind\":{\"const\":\"fixed\"}},"
                + "\"required\":[\"items\",\"note\",\"count\",\"kind\"],\"additionalProperties\":false,"
                + "\"$defs\":{\"Item\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\",\"maxLength\":2}}}}}";
        JsonNode reply = client.post(GENERATE, withConfig("order",
                "{\"responseMimeType\":\"application/json\",\"responseJsonSchema\":" + schema + "}")).json();
        assertThat(text(reply)).isEqualTo(
                "{\"items\":[{\"sku\":\"sk\"},{\"sku\":\"sk\"}],\"note\":\"note\",\"count\":3,\"kind\":\"fixed\"}");

        JsonNode list = client.post(GENERATE, withConfig("a b", "{\"responseMimeType\":\"application/json; charset=utf-8\","
                + "\"responseJsonSchema\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}")).json();
        assertThat(text(list)).isEqualTo("[\"a b\"]");
        JsonNode string = client.post(GENERATE, withConfig("just this",
                "{\"responseMimeType\":\"application/json\",\"responseSchema\":{\"type\":\"STRING\"}}")).json();
        assertThat(text(string)).isEqualTo("\"just this\"");
    }

    @Test
    void textEnumAnswersTheFirstValue() {
        JsonNode reply = client.post(GENERATE, withConfig("Pick", "{\"responseMimeType\":\"text/x.enum\","
                + "\"responseSchema\":{\"type\":\"STRING\",\"enum\":[\"red\",\"blue\"]}}")).json();
        assertThat(text(reply)).isEqualTo("red");
    }

    @Test
    void maxOutputTokensMayCutTheJsonAsGeminisWould() {
        JsonNode reply = client.post(GENERATE, withConfig("Hello, world!",
                "{\"responseMimeType\":\"application/json\",\"maxOutputTokens\":3}")).json();
        assertThat(text(reply)).isEqualTo("{\"echo");
        assertThat(reply.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
    }

    @Test
    void aStreamedJsonReplyConcatenatesToTheUnaryOne() throws Exception {
        String body = withConfig("stream me please, in several small chunks",
                "{\"responseMimeType\":\"application/json\",\"responseSchema\":{\"type\":\"OBJECT\",\"properties\":"
                        + "{\"summary\":{\"type\":\"STRING\"},\"points\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\"}}}}}");
        List<JsonNode> events = StreamingTest.events(client.post(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body).body());
        assertThat(events).hasSizeGreaterThan(1);
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(text(e)));
        assertThat(text.toString()).isEqualTo(text(client.post(GENERATE, body).json()))
                .isEqualTo("{\"summary\":\"summary\",\"points\":[\"points\"]}");
    }

    @Test
    void aTurnWithTextAndAnImageEchoesTheTextAndCountsTheImage() {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is this?\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                + "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\"}}]}]}";
        for (String model : List.of("gemini-2.5-flash", "gemini-3.5-flash")) {
            JsonNode reply = client.post("/v1beta/models/" + model + ":generateContent", body).json();
            assertThat(text(reply)).isEqualTo("Echo: What is this?");
            assertThat(reply.at("/usageMetadata/promptTokenCount").asInt())
                    .isEqualTo(EmulatorTokenizer.count("What is this?") + Generation.MEDIA_PART_TOKENS);
        }
    }
}
