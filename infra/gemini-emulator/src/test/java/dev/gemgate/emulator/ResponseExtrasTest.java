package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unknown fields in every generated response and streamed chunk, for byte-identical pass-through tests. */
class ResponseExtrasTest {

    static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    static final String STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    static final String FUTURE = "\"futureField\":{\"x\":[1,2.50,\"é\"]}";
    static final String EXTRAS = "{" + FUTURE + ",\"usageMetadata\":{\"futureCount\":7},"
            + "\"candidates\":[{\"futureCandidateField\":\"c\",\"content\":{\"parts\":[{\"futureFlag\":true}]}}]}";

    static GeminiEmulator emulator;
    static EmulatorClient client;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().streamChunkTokens(2).build());
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    static byte[] postBytes(String path, String body) throws Exception {
        HttpRequest request = client.request(path).header("x-goog-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> response = client.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static boolean containsBytes(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static void assertKnownFieldsKeptAndExtrasAdded(JsonNode response) {
        assertThat(response.path("futureField").path("x")).hasSize(3);
        JsonNode candidate = response.path("candidates").get(0);
        assertThat(candidate.path("futureCandidateField").asText()).isEqualTo("c");
        assertThat(candidate.path("index").asInt()).isZero();
        assertThat(candidate.at("/content/role").asText()).isEqualTo("model");
        assertThat(candidate.at("/content/parts/0/text").asText()).isNotEmpty();
        assertThat(candidate.at("/content/parts/0/futureFlag").asBoolean()).isTrue();
        assertThat(response.at("/usageMetadata/futureCount").asInt()).isEqualTo(7);
        assertThat(response.at("/usageMetadata/promptTokenCount").asInt()).isPositive();
        assertThat(response.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
    }

    @Test
    void aGeneratedResponseCarriesTheExtrasByteForByteNextToItsOwnFields() throws Exception {
        emulator.responseExtras(EXTRAS);
        byte[] body = postBytes(GENERATE, EmulatorClient.userText("one two three"));

        assertThat(containsBytes(body, FUTURE.getBytes(StandardCharsets.UTF_8))).as(new String(body, StandardCharsets.UTF_8))
                .isTrue();
        JsonNode response = EmulatorClient.JSON.readTree(body);
        assertKnownFieldsKeptAndExtrasAdded(response);
        assertThat(response.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(response.at("/candidates/0/content/parts/0/text").asText()).isEqualTo("Echo: one two three");
    }

    @Test
    void everyStreamedChunkCarriesThemInBothForms() throws Exception {
        emulator.responseExtras(EXTRAS);
        try (StreamReader stream = StreamReader.openRaw(emulator, STREAM, EmulatorClient.userText("one two three"))) {
            List<StreamReader.Event> events = stream.remainingSse();
            assertThat(events).hasSize(3);
            for (StreamReader.Event event : events) {
                assertThat(event.json()).contains(FUTURE);
                assertKnownFieldsKeptAndExtrasAdded(event.node());
            }
        }
        try (StreamReader stream = StreamReader.openRaw(emulator,
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent", EmulatorClient.userText("one two three"))) {
            String body = stream.rest();
            assertThat(body.split(java.util.regex.Pattern.quote(FUTURE), -1)).hasSize(4);
            JsonNode array = EmulatorClient.JSON.readTree(body);
            array.forEach(ResponseExtrasTest::assertKnownFieldsKeptAndExtrasAdded);
        }
    }

    @Test
    void mapsAndJsonNodesWorkTooWithBigDecimalsKeepingTheirDigits() throws Exception {
        emulator.responseExtras(Map.of("futureField", Map.of("x", List.of(1, new BigDecimal("2.50"), "é"))));
        assertThat(new String(postBytes(GENERATE, EmulatorClient.userText("x")), StandardCharsets.UTF_8)).contains(FUTURE);

        JsonNode node = ResponseExtras.EXACT_JSON.readTree("{\"futureTop\":{\"n\":1.000}}");
        emulator.responseExtras(node);
        String body = new String(postBytes(GENERATE, EmulatorClient.userText("x")), StandardCharsets.UTF_8);
        assertThat(body).contains("\"futureTop\":{\"n\":1.000}").doesNotContain("futureField");
        assertThat(emulator.responseExtras().toString()).isEqualTo("{\"futureTop\":{\"n\":1.000}}");

        emulator.clearResponseExtras();
        assertThat(new String(postBytes(GENERATE, EmulatorClient.userText("x")), StandardCharsets.UTF_8))
                .doesNotContain("futureTop");
        assertThat(emulator.responseExtras().isEmpty()).isTrue();
    }

    @Test
    void aScalarReplacesAKnownValueAndExtraArrayElementsAreIgnored() throws Exception {
        emulator.responseExtras("{\"modelVersion\":\"gemini-9\",\"candidates\":[{},{\"index\":5}]}");
        JsonNode response = EmulatorClient.JSON.readTree(postBytes(GENERATE, EmulatorClient.userText("x")));
        assertThat(response.path("modelVersion").asText()).isEqualTo("gemini-9");
        assertThat(response.path("candidates")).hasSize(1);
    }

    @Test
    void onlyAJsonObjectIsAccepted() {
        assertThatThrownBy(() -> emulator.responseExtras("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.responseExtras("{oops")).isInstanceOf(IllegalArgumentException.class);
        assertThat(emulator.responseExtras().isEmpty()).isTrue();
    }

    @Test
    void errorsCountTokensAndEmbeddingsDoNotCarryThem() {
        emulator.responseExtras(EXTRAS);
        assertThat(client.post("/v1beta/models/gemini-2.5-flash:countTokens", EmulatorClient.userText("x")).body())
                .doesNotContain("futureField");
        assertThat(client.post(GENERATE, "{}").body()).doesNotContain("futureField");
    }

    @Test
    void theControlApiSetsShowsAndClearsThemAndResetClearsThemToo() throws Exception {
        EmulatorClient.Reply put = client.send(client.request("/emulator/response-extras")
                .PUT(HttpRequest.BodyPublishers.ofString(EXTRAS, StandardCharsets.UTF_8)).build());
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body()).contains(FUTURE);
        assertThat(client.get("/emulator/response-extras").body()).contains(FUTURE);
        assertThat(new String(postBytes(GENERATE, EmulatorClient.userText("x")), StandardCharsets.UTF_8)).contains(FUTURE);

        EmulatorClient.Reply deleted = client.send(client.request("/emulator/response-extras").DELETE().build());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{}");
        assertThat(new String(postBytes(GENERATE, EmulatorClient.userText("x")), StandardCharsets.UTF_8))
                .doesNotContain("futureField");

        EmulatorClient.Reply bad = client.send(client.request("/emulator/response-extras")
                .PUT(HttpRequest.BodyPublishers.ofString("[1,2]")).build());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(client.send(client.request("/emulator/response-extras")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).status()).isEqualTo(405);

        emulator.responseExtras(EXTRAS);
        client.send(client.request("/emulator/reset").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(emulator.responseExtras().isEmpty()).isTrue();
    }
}
