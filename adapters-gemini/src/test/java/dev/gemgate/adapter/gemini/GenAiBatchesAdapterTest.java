package dev.gemgate.adapter.gemini;

import com.google.genai.Client;
import com.google.genai.types.File;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.UploadFileConfig;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.emulator.EmulatorConfig;
import dev.gemgate.emulator.GeminiEmulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link GenAiBatchesAdapter} against the emulator over HTTP. */
class GenAiBatchesAdapterTest extends EmulatorBackedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ModelId FLASH = new ModelId("gemini-2.5-flash");
    private static UpstreamCredential credential;
    private static GenAiBatchesAdapter batches;

    @BeforeAll
    static void start() {
        emulator = GeminiEmulator.start(EmulatorConfig.builder().recordRequests(true).build());
        adapter = new GenAiGenerationAdapter();
        credential = UpstreamCredential.apiKey(new UpstreamCredentialId("primary"), "test-key-123",
                Optional.of(emulator.baseUrl()));
        batches = new GenAiBatchesAdapter(adapter);
    }

    private static String inline(String... texts) {
        List<String> items = new ArrayList<>();
        for (String text : texts) {
            items.add("{\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}}");
        }
        return "{\"batch\":{\"displayName\":\"job\",\"inputConfig\":{\"requests\":{\"requests\":["
                + String.join(",", items) + "]}}}}";
    }

    @Test
    void aJobIsCreatedWithTheCallersBodyPolledCancelledAndDeleted() {
        String body = inline("one", "two", "three", "four");
        BatchOperation created = batches.create(FLASH, BatchesPort.Method.BATCH_GENERATE_CONTENT, body, credential,
                TIMEOUT);
        assertThat(emulator.recordedRequests().getLast().body()).isEqualTo(body);
        assertThat(emulator.recordedRequests().getLast().path()).endsWith("/models/gemini-2.5-flash:batchGenerateContent");
        UpstreamResourceName name = created.name().orElseThrow();
        assertThat(created.state()).isEqualTo("BATCH_STATE_PENDING");
        assertThat(created.requestCount()).hasValue(4);
        assertThat(created.ended()).isFalse();

        BatchOperation running = batches.get(name, credential, TIMEOUT);
        assertThat(running.state()).isEqualTo("BATCH_STATE_RUNNING");
        batches.cancel(name, credential, TIMEOUT);
        BatchOperation cancelled = batches.get(name, credential, TIMEOUT);
        assertThat(cancelled.ended()).isTrue();
        assertThat(cancelled.state()).isEqualTo("BATCH_STATE_CANCELLED");
        assertThat(cancelled.inlinedResponses()).hasSize(2).allSatisfy(r ->
                assertThat(BatchOperation.usageOf(JsonTreeOf.object(r.get("response"))).promptTokens()).isPositive());
        assertThat(cancelled.withoutResults().toString()).doesNotContain("inlinedResponses");

        batches.delete(name, credential, TIMEOUT);
        assertThat(emulator.recordedRequests().getLast().method()).isEqualTo("DELETE");
        assertThatThrownBy(() -> batches.get(name, credential, TIMEOUT)).isInstanceOfSatisfying(
                UpstreamException.class, e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.NOT_FOUND));
    }

    @Test
    void theResultsFileOfAFileInputJobIsReadLineByLine() {
        String jsonl = "{\"key\":\"a\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}}\n"
                + "{\"key\":\"b\",\"request\":{\"contents\":[]}}\n";
        File input;
        try (Client client = Client.builder().apiKey("test-key-123")
                .httpOptions(HttpOptions.builder().baseUrl(emulator.baseUrl()).build()).build()) {
            input = client.files.upload(jsonl.getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("application/jsonl").build());
        }
        BatchOperation created = batches.create(FLASH, BatchesPort.Method.BATCH_GENERATE_CONTENT,
                "{\"batch\":{\"inputConfig\":{\"fileName\":\"" + input.name().orElseThrow() + "\"}}}", credential,
                TIMEOUT);
        emulator.advanceClock(EmulatorConfig.DEFAULT_BATCH_COMPLETION_TIME);
        BatchOperation done = batches.get(created.name().orElseThrow(), credential, TIMEOUT);
        UpstreamResourceName results = done.responsesFile().orElseThrow();
        assertThat(results.kind()).isEqualTo(ResourceKind.FILE);
        List<Map<String, Object>> lines = new ArrayList<>();
        batches.readResults(results, credential, TIMEOUT, lines::add);
        assertThat(lines).extracting(l -> l.get("key")).containsExactly("a", "b");
        assertThat(BatchOperation.usageOf(JsonTreeOf.object(lines.getFirst().get("response"))).candidatesTokens())
                .isPositive();
        assertThat(lines.get(1)).containsKey("error");
    }

    @Test
    void aVertexCredentialIsRefusedBeforeAnyCall() {
        UpstreamCredential vertex = new UpstreamCredential(new UpstreamCredentialId("vertex"),
                UpstreamCredential.Mode.VERTEX_AI, "{}", Optional.empty(), Optional.of("p"), Optional.of("us"));
        assertThatThrownBy(() -> batches.get(UpstreamResourceName.of(ResourceKind.BATCH, "x"), vertex, TIMEOUT))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.INVALID_REQUEST));
        assertThat(emulator.recordedRequests()).isEmpty();
    }

    /** The tree helper the tests need. */
    private static final class JsonTreeOf {
        @SuppressWarnings("unchecked")
        static Map<String, Object> object(Object value) {
            return (Map<String, Object>) value;
        }
    }
}
