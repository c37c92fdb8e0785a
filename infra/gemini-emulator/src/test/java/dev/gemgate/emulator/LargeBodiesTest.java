package dev.gemgate.emulator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator accepts what a gateway in front of it accepts: Google's inline-data sizes, not Jackson's defaults. */
class LargeBodiesTest extends EmulatorTestBase {
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

    @BeforeEach
    void clearLog() {
        emulator.clearRecordedRequests();
    }

    @Test
    void aNineteenMebibyteInlineImageIsAnsweredAndRecordedWhole() {
        String body = withImage(19 * 1024 * 1024);

        EmulatorClient.Reply reply = client.post(GENERATE, body);

        assertThat(reply.status()).as(reply::body).isEqualTo(200);
        assertThat(reply.json().path("candidates").get(0).path("content").path("parts").get(0).path("text").asText())
                .isEqualTo("Echo: Describe this");
        // 3 tokens of text ("Describe" 2, "this" 1) + Gemini's 258 per image
        assertThat(reply.json().path("usageMetadata").path("promptTokenCount").asInt()).isEqualTo(261);
        // compared without AssertJ's rendering of 26 MB strings on failure
        assertThat(emulator.recordedRequests().size()).isEqualTo(1);
        assertThat(emulator.recordedRequests().getFirst().body().equals(body)).as("the body is recorded whole").isTrue();

        EmulatorClient.Reply counted = client.post("/v1beta/models/gemini-2.5-flash:countTokens", body);
        assertThat(counted.status()).isEqualTo(200);
        assertThat(counted.json().path("totalTokens").asInt()).isEqualTo(261);
    }

    @Test
    void bodiesUpToGooglesHundredMegabytesAreAccepted() {
        assertThat(EmulatorConfig.defaults().maxBodyBytes()).isGreaterThanOrEqualTo(100 * 1000 * 1000 + 1);
        String body = withImage(75 * 1000 * 1000); // 100 MB once base64-encoded

        EmulatorClient.Reply reply = client.post(GENERATE, body);

        assertThat(body.length()).isGreaterThan(100 * 1000 * 1000);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitGetsGooglesRefusalWhetherItsLengthIsDeclaredOrNot() {
        int limit = 1024 * 1024;
        try (GeminiEmulator small = GeminiEmulator.start(EmulatorConfig.builder().maxBodyBytes(limit)
                .recordRequests(true).build())) {
            EmulatorClient smallClient = new EmulatorClient(small);
            String atTheLimit = pad(EmulatorClient.userText("fits"), limit);
            String overTheLimit = pad(EmulatorClient.userText("too big"), limit + 1);

            assertThat(smallClient.post(GENERATE, atTheLimit).status()).isEqualTo(200);
            EmulatorClient.Reply declared = smallClient.post(GENERATE, overTheLimit);
            byte[] bytes = overTheLimit.getBytes(StandardCharsets.UTF_8);
            EmulatorClient.Reply chunked = smallClient.send(smallClient.request(GENERATE)
                    .header("x-goog-api-key", EmulatorClient.KEY)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build());

            for (EmulatorClient.Reply refused : new EmulatorClient.Reply[] {declared, chunked}) {
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.json().path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
                assertThat(refused.json().path("error").path("message").asText())
                        .isEqualTo("Request payload size exceeds the limit: 1048576 bytes.");
            }
            assertThat(small.recordedRequests()).hasSize(1); // refused bodies are not read, so not recorded
        }
    }

    /** A request with one text part and an inline PNG of {@code decodedBytes} bytes (standard base64, padded). */
    private static String withImage(int decodedBytes) {
        int base64Length = (decodedBytes + 2) / 3 * 4;
        StringBuilder image = new StringBuilder(base64Length);
        image.repeat('A', base64Length - 4).append(decodedBytes % 3 == 0 ? "AAAA" : decodedBytes % 3 == 1 ? "AA==" : "AAA=");
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe this\"},"
                + "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + image + "\"}}]}]}";
    }

    /** {@code json} (an object) grown with trailing spaces to exactly {@code length} bytes. */
    private static String pad(String json, int length) {
        return json + " ".repeat(length - json.getBytes(StandardCharsets.UTF_8).length);
    }
}
