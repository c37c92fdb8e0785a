package dev.gemgate.emulator;

import com.google.genai.Client;
import com.google.genai.Pager;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListFilesConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UploadFileConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Files API as Google's own Java client (google-genai 2.0.0) drives it: resumable upload, get, list, delete, use. */
class GenAiSdkFilesTest extends EmulatorTestBase {

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

    static byte[] bytes(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        return data;
    }

    @Test
    void theSdkUploadsAFileInOneChunkAndReadsTheFileResource() throws Exception {
        byte[] data = "hello, file".getBytes(StandardCharsets.UTF_8);
        Instant before = emulator.now();
        File file = sdk.files.upload(data, UploadFileConfig.builder().mimeType("text/plain").displayName("greeting")
                .build());

        assertThat(file.name()).hasValueSatisfying(n -> assertThat(n).matches("files/[a-z0-9]{12}"));
        String id = file.name().orElseThrow().substring("files/".length());
        assertThat(file.uri()).contains("https://generativelanguage.googleapis.com/v1beta/files/" + id);
        assertThat(file.mimeType()).contains("text/plain");
        assertThat(file.displayName()).contains("greeting");
        assertThat(file.sizeBytes()).contains((long) data.length);
        assertThat(file.sha256Hash()).contains(Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(data)));
        assertThat(file.state().orElseThrow().toString()).isEqualTo("ACTIVE");
        assertThat(file.source().orElseThrow().toString()).isEqualTo("UPLOADED");
        Instant created = file.createTime().orElseThrow();
        assertThat(created).isBetween(before, emulator.now());
        assertThat(file.expirationTime()).contains(created.plus(Duration.ofHours(48)));

        // what the SDK sent: the start on /upload/v1/files (2.0.0's default API version), then one "upload, finalize"
        List<RecordedRequest> sent = emulator.recordedRequests();
        assertThat(sent).hasSize(2);
        RecordedRequest start = sent.get(0);
        assertThat(start.path()).isEqualTo("/upload/v1/files");
        assertThat(start.query()).isEmpty();
        assertThat(start.header("x-goog-upload-protocol")).isEqualTo("resumable");
        assertThat(start.header("x-goog-upload-command")).isEqualTo("start");
        assertThat(start.header("x-goog-upload-header-content-length")).isEqualTo(Integer.toString(data.length));
        assertThat(start.header("x-goog-upload-header-content-type")).isEqualTo("text/plain");
        assertThat(start.body()).doesNotContain("sizeBytes");
        RecordedRequest last = sent.get(1);
        assertThat(last.path()).isEqualTo("/upload/v1/files");
        assertThat(last.query()).matches("upload_id=[a-z0-9]+&upload_protocol=resumable");
        assertThat(last.header("x-goog-upload-command")).isEqualTo("upload, finalize");
        assertThat(last.header("x-goog-upload-offset")).isEqualTo("0");
        assertThat(last.apiKey()).isEqualTo(EmulatorClient.KEY);
        assertThat(emulator.keyLog().calls(EmulatorClient.KEY)).isEqualTo(2);

        File got = sdk.files.get(file.name().orElseThrow(), null);
        assertThat(got.sizeBytes()).contains((long) data.length);
        assertThat(got.sha256Hash()).isEqualTo(file.sha256Hash());
        assertThat(emulator.recordedRequests().getLast().path()).isEqualTo("/v1/files/" + id);
    }

    @Test
    void aFileOfSeveralChunksIsUploadedAtTheSdksOffsets() throws Exception {
        int size = 8 * 1024 * 1024 * 2 + 12_345; // two full 8 MiB chunks and a tail
        byte[] data = bytes(size);
        File file = sdk.files.upload(data, UploadFileConfig.builder().mimeType("application/pdf").build());
        assertThat(file.sizeBytes()).contains((long) size);
        assertThat(file.sha256Hash()).contains(Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(data)));
        List<RecordedRequest> chunks = emulator.recordedRequests().subList(1, 4);
        assertThat(chunks).extracting(r -> r.header("x-goog-upload-offset"))
                .containsExactly("0", Integer.toString(8 * 1024 * 1024), Integer.toString(16 * 1024 * 1024));
        assertThat(chunks).extracting(r -> r.header("x-goog-upload-command"))
                .containsExactly("upload", "upload", "upload, finalize");
        assertThat(chunks).extracting(RecordedRequest::body).containsOnly("");
    }

    @Test
    void anUploadedFileIsUsedInGenerateContentAndCountedAsAMediaPart() {
        File file = sdk.files.upload("a picture".getBytes(StandardCharsets.UTF_8),
                UploadFileConfig.builder().mimeType("image/png").build());
        Content content = Content.fromParts(Part.fromText("Describe"),
                Part.fromUri(file.uri().orElseThrow(), file.mimeType().orElseThrow()));
        GenerateContentResponse reply = sdk.models.generateContent("gemini-2.5-flash", content, null);
        assertThat(reply.text()).isEqualTo("Echo: Describe");
        assertThat(reply.usageMetadata().orElseThrow().promptTokenCount()).contains(2 + 258);

        // a name works as a reference too; an unknown file is refused as Google refuses it
        assertThatThrownBy(() -> sdk.models.generateContent("gemini-2.5-flash", Content.fromParts(Part.fromText("x"),
                Part.fromUri("https://generativelanguage.googleapis.com/v1beta/files/nosuchfile1", "image/png")), null))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                    assertThat(e.message()).isEqualTo(
                            "You do not have permission to access the File nosuchfile1 or it may not exist.");
                });
    }

    @Test
    void filesAreListedPageByPageAndDeleted() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            names.add(sdk.files.upload(("file " + i).getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("text/plain").build()).name().orElseThrow());
        }
        Pager<File> pager = sdk.files.list(ListFilesConfig.builder().pageSize(2).build());
        List<String> listed = new ArrayList<>();
        pager.forEach(f -> listed.add(f.name().orElseThrow()));
        assertThat(listed).containsExactlyElementsOf(names);
        assertThat(emulator.recordedRequests().stream().filter(r -> r.path().equals("/v1/files")).count()).isEqualTo(2);

        sdk.files.delete(names.get(1), null);
        assertThatThrownBy(() -> sdk.files.get(names.get(1), null)).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
        });
        assertThatThrownBy(() -> sdk.files.delete(names.get(1), null)).isInstanceOf(ClientException.class);
        List<String> after = new ArrayList<>();
        sdk.files.list(ListFilesConfig.builder().pageSize(10).build()).forEach(f -> after.add(f.name().orElseThrow()));
        assertThat(after).containsExactly(names.get(0), names.get(2));
    }

    @Test
    void aFileExpiresAfter48HoursOfTheEmulatorsClock() {
        File file = sdk.files.upload("x".getBytes(StandardCharsets.UTF_8),
                UploadFileConfig.builder().mimeType("text/plain").build());
        emulator.advanceClock(Duration.ofHours(47));
        assertThat(sdk.files.get(file.name().orElseThrow(), null).name()).isEqualTo(file.name());
        emulator.advanceClock(Duration.ofHours(1));
        assertThatThrownBy(() -> sdk.files.get(file.name().orElseThrow(), null))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
    }
}
