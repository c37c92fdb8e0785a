package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The action log: calls per model and method, with the requests a batchEmbedContents call carried. */
class ActionLogTest extends EmulatorTestBase {

    @BeforeEach
    void fresh() {
        emulator.reset();
    }

    @Test
    void batchEmbedContentsCallsAndTheirRequestsAreCountedPerModel() {
        Client sdk = Client.builder().apiKey(EmulatorClient.KEY).httpOptions(HttpOptions.builder()
                .baseUrl(emulator.baseUrl()).retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
        // the Java SDK sends embedContent as one batchEmbedContents call carrying one request per text
        EmbedContentResponse three = sdk.models.embedContent("gemini-embedding-001", List.of("a", "b", "c"), null);
        assertThat(three.embeddings().orElseThrow()).hasSize(3);
        sdk.models.embedContent("gemini-embedding-001", "d", null);
        client.post("/v1beta/models/gemini-embedding-001:embedContent", "{\"content\":{\"parts\":[{\"text\":\"e\"}]}}");
        client.post("/v1beta/models/gemini-2.5-flash:generateContent", EmulatorClient.userText("hi"));

        ActionLog log = emulator.actionLog();
        assertThat(log.calls("gemini-embedding-001", "batchEmbedContents")).isEqualTo(2);
        assertThat(log.items("models/gemini-embedding-001", "batchEmbedContents")).isEqualTo(4);
        assertThat(log.usage("gemini-embedding-001", "batchEmbedContents").largestCall()).isEqualTo(3);
        assertThat(log.calls("gemini-embedding-001", "embedContent")).isEqualTo(1);
        assertThat(log.calls("gemini-2.5-flash", "generateContent")).isEqualTo(1);
        assertThat(log.calls("gemini-2.5-pro", "generateContent")).isZero();

        JsonNode http = client.get("/emulator/actions").json().path("actions");
        assertThat(http).hasSize(3);
        assertThat(http.get(0).toString()).isEqualTo("{\"model\":\"gemini-2.5-flash\",\"action\":\"generateContent\","
                + "\"calls\":1,\"items\":1,\"largestCall\":1}");
        assertThat(http.get(1).toString()).isEqualTo("{\"model\":\"gemini-embedding-001\",\"action\":"
                + "\"batchEmbedContents\",\"calls\":2,\"items\":4,\"largestCall\":3}");
        assertThat(client.send(client.request("/emulator/actions").DELETE().build()).json().path("actions")).isEmpty();
        assertThat(log.all()).isEmpty();
    }

    @Test
    void faultedCallsAreCountedToo() {
        emulator.faults().rateLimit(1, Duration.ofSeconds(1));
        assertThat(client.post("/v1beta/models/gemini-embedding-001:batchEmbedContents", "{\"requests\":["
                + "{\"content\":{\"parts\":[{\"text\":\"a\"}]}},{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}").status())
                .isEqualTo(429);
        assertThat(emulator.actionLog().usage("gemini-embedding-001", "batchEmbedContents"))
                .isEqualTo(new ActionLog.Usage("gemini-embedding-001", "batchEmbedContents", 1, 2, 2));
    }

    @Test
    void theClockIsMovedOverHttp() {
        java.time.Instant before = emulator.now();
        JsonNode moved = client.post("/emulator/clock", "{\"advanceMillis\":3600000}").json();
        assertThat(java.time.Instant.parse(moved.path("now").asText()))
                .isAfterOrEqualTo(before.plus(Duration.ofHours(1)));
        assertThat(client.post("/emulator/clock", "{\"advanceMillis\":-1}").status()).isEqualTo(400);
    }
}
