package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJob;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.Content;
import com.google.genai.types.CreateBatchJobConfig;
import com.google.genai.types.EmbedContentBatch;
import com.google.genai.types.EmbeddingsBatchJobSource;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.InlinedResponse;
import com.google.genai.types.ListBatchJobsConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UploadFileConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Batch API as the google-genai Java client drives it: create, poll, results, cancel, delete, list. */
class GenAiSdkBatchesTest extends EmulatorTestBase {

    static Client sdk;

    @BeforeAll
    static void client() {
        sdk = Client.builder().apiKey(EmulatorClient.KEY).httpOptions(HttpOptions.builder().baseUrl(emulator.baseUrl())
                .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
    }

    @BeforeEach
    void fresh() {
        emulator.reset();
    }

    static InlinedRequest ask(String text, String key) {
        return InlinedRequest.builder().contents(Content.builder().role("user").parts(Part.fromText(text)).build())
                .metadata(Map.of("key", key)).build();
    }

    static BatchJob create(String... texts) {
        List<InlinedRequest> requests = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            requests.add(ask(texts[i], "req-" + (i + 1)));
        }
        return sdk.batches.create("gemini-2.5-flash", BatchJobSource.builder().inlinedRequests(requests).build(),
                CreateBatchJobConfig.builder().displayName("job").build());
    }

    @Test
    void anInlinedBatchRunsOverTwoPollsWithTheRepliesAndUsageOfUnaryCalls() {
        BatchJob created = create("Hello, world!", "Why is the sky blue?");
        assertThat(created.name()).hasValueSatisfying(n -> assertThat(n).matches("batches/[a-z0-9]{36}"));
        assertThat(created.state().orElseThrow().toString()).isEqualTo("JOB_STATE_PENDING");
        assertThat(created.model()).contains("models/gemini-2.5-flash");
        assertThat(created.displayName()).contains("job");
        RecordedRequest sent = emulator.recordedRequests().getLast();
        assertThat(sent.path()).isEqualTo("/v1/models/gemini-2.5-flash:batchGenerateContent");
        assertThat(sent.body()).contains("\"inputConfig\":{\"requests\":{\"requests\":[");
        assertThat(emulator.actionLog().usage("gemini-2.5-flash", "batchGenerateContent"))
                .isEqualTo(new ActionLog.Usage("gemini-2.5-flash", "batchGenerateContent", 1, 2, 2));

        String name = created.name().orElseThrow();
        BatchJob running = sdk.batches.get(name, null);
        assertThat(running.state().orElseThrow().toString()).isEqualTo("JOB_STATE_RUNNING");
        assertThat(emulator.recordedRequests().getLast().path()).isEqualTo("/v1/" + name);
        BatchJob done = sdk.batches.get(name, null);
        assertThat(done.state().orElseThrow().toString()).isEqualTo("JOB_STATE_SUCCEEDED");
        assertThat(done.endTime()).isPresent();

        List<InlinedResponse> results = done.dest().orElseThrow().inlinedResponses().orElseThrow();
        assertThat(results).hasSize(2);
        assertThat(results).extracting(r -> r.metadata().orElseThrow().get("key")).containsExactly("req-1", "req-2");
        GenerateContentResponse unary = sdk.models.generateContent("gemini-2.5-flash", "Hello, world!", null);
        GenerateContentResponse batched = results.getFirst().response().orElseThrow();
        assertThat(batched.text()).isEqualTo(unary.text()).isEqualTo("Echo: Hello, world!");
        assertThat(batched.usageMetadata()).isEqualTo(unary.usageMetadata());
        assertThat(results.get(1).response().orElseThrow().text()).isEqualTo("Echo: Why is the sky blue?");
    }

    @Test
    void aCancelledBatchReportsTheRequestsThatRan() {
        BatchJob created = create("one", "two", "three", "four");
        String name = created.name().orElseThrow();
        assertThat(sdk.batches.get(name, null).state().orElseThrow().toString()).isEqualTo("JOB_STATE_RUNNING");
        sdk.batches.cancel(name, null);
        RecordedRequest cancel = emulator.recordedRequests().getLast();
        assertThat(cancel.method()).isEqualTo("POST");
        assertThat(cancel.path()).isEqualTo("/v1/" + name + ":cancel");

        BatchJob cancelled = sdk.batches.get(name, null);
        assertThat(cancelled.state().orElseThrow().toString()).isEqualTo("JOB_STATE_CANCELLED");
        List<InlinedResponse> ran = cancelled.dest().orElseThrow().inlinedResponses().orElseThrow();
        assertThat(ran).extracting(r -> r.response().orElseThrow().text()).containsExactly("Echo: one", "Echo: two");
        JsonNode raw = client.get("/v1beta/" + name).json();
        assertThat(raw.path("metadata").path("batchStats").path("successfulRequestCount").asText()).isEqualTo("2");
        assertThat(raw.path("metadata").path("batchStats").path("pendingRequestCount").asText()).isEqualTo("0");
        assertThat(raw.path("done").asBoolean()).isTrue();
        assertThat(raw.path("error").path("code").asInt()).isEqualTo(1);
        // the clock moving on changes nothing any more
        emulator.advanceClock(Duration.ofHours(1));
        assertThat(sdk.batches.get(name, null).dest().orElseThrow().inlinedResponses().orElseThrow()).hasSize(2);
    }

    @Test
    void batchesAreListedNewestFirstAndDeleted() {
        String first = create("a").name().orElseThrow();
        String second = create("b").name().orElseThrow();
        String third = create("c").name().orElseThrow();
        List<String> listed = new ArrayList<>();
        sdk.batches.list(ListBatchJobsConfig.builder().pageSize(2).build()).forEach(b -> listed.add(b.name().orElseThrow()));
        assertThat(listed).containsExactly(third, second, first);

        sdk.batches.delete(second, null);
        assertThat(emulator.recordedRequests().getLast().method()).isEqualTo("DELETE");
        assertThatThrownBy(() -> sdk.batches.get(second, null)).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.code()).isEqualTo(404);
            assertThat(e.status()).isEqualTo("NOT_FOUND");
        });
        // (the Java SDK's cancel does not report an error status: ask over HTTP)
        EmulatorClient.Reply cancel = client.post("/v1beta/" + second + ":cancel", "{}");
        assertThat(cancel.status()).isEqualTo(404);
        assertThat(cancel.json().path("error").path("message").asText()).isEqualTo("Requested entity was not found.");
        JsonNode page = client.get("/v1beta/batches?pageSize=10").json();
        assertThat(page.path("operations")).hasSize(2);
    }

    @Test
    void aBatchCompletesByTheEmulatorsClockToo() {
        String name = create("tick").name().orElseThrow();
        emulator.advanceClock(EmulatorConfig.DEFAULT_BATCH_COMPLETION_TIME);
        JsonNode listed = client.get("/v1beta/batches").json().path("operations").get(0);
        assertThat(listed.path("name").asText()).isEqualTo(name);
        assertThat(listed.path("metadata").path("state").asText()).isEqualTo("BATCH_STATE_SUCCEEDED");
        assertThat(listed.path("metadata").path("output").path("inlinedResponses").path("inlinedResponses")).hasSize(1);
    }

    @Test
    void aBatchFromAnUploadedJsonlFileWritesADownloadableResponsesFile(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String jsonl = "{\"key\":\"a\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}}\n"
                + "{\"key\":\"b\",\"request\":{\"contents\":[]}}\n";
        File input = sdk.files.upload(jsonl.getBytes(StandardCharsets.UTF_8),
                UploadFileConfig.builder().mimeType("application/jsonl").build());
        BatchJob created = sdk.batches.create("gemini-2.5-flash",
                BatchJobSource.builder().fileName(input.name().orElseThrow()).build(), null);
        assertThat(emulator.recordedRequests().getLast().body())
                .contains("\"inputConfig\":{\"fileName\":\"" + input.name().orElseThrow() + "\"}");
        String name = created.name().orElseThrow();
        sdk.batches.get(name, null);
        BatchJob done = sdk.batches.get(name, null);
        assertThat(done.state().orElseThrow().toString()).isEqualTo("JOB_STATE_SUCCEEDED");
        String results = done.dest().orElseThrow().fileName().orElseThrow();
        assertThat(results).matches("files/[a-z0-9]{12}");
        JsonNode stats = client.get("/v1beta/" + name).json().path("metadata").path("batchStats");
        assertThat(stats.path("successfulRequestCount").asText()).isEqualTo("1");
        assertThat(stats.path("failedRequestCount").asText()).isEqualTo("1");

        Path out = dir.resolve("results.jsonl");
        sdk.files.download(results, out.toString(), null);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2);
        JsonNode a = EmulatorClient.JSON.readTree(lines.get(0));
        assertThat(a.path("key").asText()).isEqualTo("a");
        assertThat(a.path("response").path("candidates").get(0).path("content").path("parts").get(0).path("text").asText())
                .isEqualTo("Echo: Hello");
        JsonNode b = EmulatorClient.JSON.readTree(lines.get(1));
        assertThat(b.path("key").asText()).isEqualTo("b");
        assertThat(b.path("error").path("code").asInt()).isEqualTo(400);
        assertThat(emulator.recordedRequests().getLast().path()).isEqualTo("/v1/" + results + ":download");
        File resultFile = sdk.files.get(results, null);
        assertThat(resultFile.source().orElseThrow().toString()).isEqualTo("GENERATED");
        assertThat(resultFile.downloadUri()).hasValueSatisfying(u -> assertThat(u).startsWith(emulator.baseUrl()));

        // an uploaded file is not downloadable; a missing input file is Google's 403
        assertThat(client.get("/v1beta/" + input.name().orElseThrow() + ":download?alt=media").status()).isEqualTo(400);
        assertThatThrownBy(() -> sdk.batches.create("gemini-2.5-flash",
                BatchJobSource.builder().fileName("files/nosuchfile").build(), null))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
    }

    @Test
    void anEmbeddingsBatchRunsOnTheEmbeddingModel() {
        BatchJob created = sdk.batches.createEmbeddings("gemini-embedding-001", EmbeddingsBatchJobSource.builder()
                .inlinedRequests(EmbedContentBatch.builder().contents(Content.fromParts(Part.fromText("hello")),
                        Content.fromParts(Part.fromText("world"))).build()).build(), null);
        RecordedRequest sent = emulator.recordedRequests().getLast();
        assertThat(sent.path()).isEqualTo("/v1/models/gemini-embedding-001:asyncBatchEmbedContent");
        String name = created.name().orElseThrow();
        sdk.batches.get(name, null);
        JsonNode done = client.get("/v1beta/" + name).json();
        assertThat(done.path("metadata").path("state").asText()).isEqualTo("BATCH_STATE_SUCCEEDED");
        JsonNode results = done.path("metadata").path("output").path("inlinedResponses").path("inlinedResponses");
        assertThat(results).hasSize(2);
        JsonNode single = client.post("/v1beta/models/gemini-embedding-001:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}").json();
        assertThat(results.get(0).path("response").path("embedding")).isEqualTo(single.path("embedding"));
    }

    @Test
    void anEmbeddingsBatchReadsItsFileUnderTheSnakeCaseNameTheSdksSend() {
        String jsonl = "{\"key\":\"x\",\"request\":{\"content\":{\"parts\":[{\"text\":\"hello\"}]},"
                + "\"outputDimensionality\":8}}\n";
        File input = sdk.files.upload(jsonl.getBytes(StandardCharsets.UTF_8),
                UploadFileConfig.builder().mimeType("application/jsonl").build());
        JsonNode created = client.post("/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
                "{\"batch\":{\"inputConfig\":{\"file_name\":\"" + input.name().orElseThrow() + "\"}}}").json();
        assertThat(created.path("metadata").path("@type").asText()).endsWith(".EmbedContentBatch");
        String name = created.path("name").asText();
        emulator.advanceClock(EmulatorConfig.DEFAULT_BATCH_COMPLETION_TIME);
        JsonNode done = client.get("/v1beta/" + name).json();
        String results = done.path("metadata").path("output").path("responsesFile").asText();
        EmulatorClient.Reply download = client.get("/download/v1beta/" + results + ":download?alt=media");
        assertThat(download.status()).isEqualTo(200);
        JsonNode line = download.json();
        assertThat(line.path("key").asText()).isEqualTo("x");
        assertThat(line.path("response").path("embedding").path("values")).hasSize(8);
        assertThat(client.get("/download/v1beta/" + results).status()).isEqualTo(404);
    }

    @Test
    void faultsApplyToBatchCalls() {
        String name = create("x").name().orElseThrow();
        emulator.faults().rateLimit(1, Duration.ofSeconds(2));
        assertThatThrownBy(() -> sdk.batches.get(name, null))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(429));
        emulator.faults().forModel("gemini-2.5-flash").serverError(1, 503);
        assertThatThrownBy(() -> create("y")).isInstanceOf(com.google.genai.errors.ServerException.class);
        assertThat(sdk.batches.get(name, null).state().orElseThrow().toString()).isEqualTo("JOB_STATE_RUNNING");
    }

    @Test
    void aBatchRequestMayUseACache() {
        String cache = GenAiSdkCachesTestSupport.createCache(sdk);
        BatchJob created = sdk.batches.create("gemini-2.5-flash", BatchJobSource.builder().inlinedRequests(
                InlinedRequest.builder().contents(Content.fromParts(Part.fromText("Hi")))
                        .config(GenerateContentConfig.builder().cachedContent(cache).build()).build()).build(), null);
        String name = created.name().orElseThrow();
        sdk.batches.get(name, null);
        GenerateContentResponse reply = sdk.batches.get(name, null).dest().orElseThrow().inlinedResponses().orElseThrow()
                .getFirst().response().orElseThrow();
        assertThat(reply.usageMetadata().orElseThrow().cachedContentTokenCount()).contains(GenAiSdkCachesTest.LONG_TOKENS);
    }
}
