package dev.gemgate.app;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.BatchJob;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.Content;
import com.google.genai.types.File;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListFilesConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UploadFileConfig;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.RecordedRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Files API through Gemgate, driven by the google-genai Java SDK (2.0.0: {@code /upload/v1/files} and
 * {@code /v1/files}) against the app on the emulator, and by raw HTTP where the wire matters (upload URL, errors on
 * upload URLs, byte-identical refusals).
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiFilesEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    TenantResources resources;

    @Inject
    AuditLog auditLog;

    private Tenant tenantA;
    private String keyA;
    private String keyB;

    @BeforeEach
    void tenants() {
        tenantA = createTenant.execute(new CreateTenant.Command("files-a-" + UUID.randomUUID()));
        keyA = issueApiKey.execute(new IssueApiKey.Command(tenantA.id(), "a")).secret().reveal();
        Tenant tenantB = createTenant.execute(new CreateTenant.Command("files-b-" + UUID.randomUUID()));
        keyB = issueApiKey.execute(new IssueApiKey.Command(tenantB.id(), "b")).secret().reveal();
    }

    private Client sdk(String key) {
        return Client.builder().apiKey(key).httpOptions(HttpOptions.builder().baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build()).build()).build();
    }

    private static Client emulatorSdk() {
        return Client.builder().apiKey("direct").httpOptions(HttpOptions.builder()
                .baseUrl(GatewayTestResources.emulator().baseUrl())
                .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
    }

    static byte[] bytes(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        return data;
    }

    @Test
    void aTenantUploadsGetsListsAndDeletesItsFileThroughTheSdk() throws Exception {
        byte[] data = bytes(9 * 1024 * 1024 + 123); // two chunks of the SDK: 8 MiB, then the rest with finalize
        try (Client a = sdk(keyA)) {
            File file = a.files.upload(data, UploadFileConfig.builder().mimeType("image/png").displayName("cat")
                    .build());
            String name = file.name().orElseThrow();
            assertThat(name).matches("files/[a-z0-9]{12}");
            assertThat(file.sizeBytes()).contains((long) data.length);
            assertThat(file.sha256Hash()).contains(Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(data)));
            assertThat(file.displayName()).contains("cat");

            TenantResource recorded = resources.find(tenantA.id(), new UpstreamResourceName(ResourceKind.FILE, name))
                    .orElseThrow();
            assertThat(recorded.sizeBytes()).hasValue(data.length);
            assertThat(recorded.state()).isEqualTo("ACTIVE");
            assertThat(recorded.expireTime()).isEqualTo(file.expirationTime()
                    .map(t -> t.truncatedTo(java.time.temporal.ChronoUnit.MICROS))); // PostgreSQL keeps microseconds
            assertThat(recorded.description()).contains("\"name\":\"" + name + "\"");

            assertThat(a.files.get(name, null).sha256Hash()).isEqualTo(file.sha256Hash());
            List<String> listed = new ArrayList<>();
            a.files.list(ListFilesConfig.builder().pageSize(1).build()).forEach(f -> listed.add(f.name().orElseThrow()));
            assertThat(listed).containsExactly(name);

            a.files.delete(name, null);
            assertThatThrownBy(() -> a.files.get(name, null)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.code()).isEqualTo(403);
                assertThat(e.status()).isEqualTo("PERMISSION_DENIED");
                assertThat(e.message()).startsWith("You do not have permission to access the File "
                        + name.substring("files/".length()) + " or it may not exist.\nDetails:"); // + RequestInfo
            });
            List<String> after = new ArrayList<>();
            a.files.list(null).forEach(f -> after.add(f.name().orElseThrow()));
            assertThat(after).isEmpty();
        }
        var uploads = auditLog.query(new AuditQuery(Optional.of(tenantA.id()), Optional.of(AuditEventType.UPLOAD_FILE),
                Instant.EPOCH, Instant.now().plusSeconds(60), 100));
        assertThat(uploads).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.cost().micros()).isZero();
        });
        assertThat(uploads).anySatisfy(e -> assertThat(e.detail()).contains(data.length + " bytes"));
    }

    @Test
    void aGeneratedFileIsDownloadedThroughTheGatewayOnItsCredential(@TempDir Path dir) throws Exception {
        // a file the upstream generated (a batch's results) that the store says is tenant A's
        String results;
        try (Client direct = emulatorSdk()) {
            File input = direct.files.upload(("{\"key\":\"a\",\"request\":{\"contents\":[{\"role\":\"user\",\"parts\":"
                    + "[{\"text\":\"Hello\"}]}]}}\n").getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("application/jsonl").build());
            BatchJob created = direct.batches.create("gemini-2.5-flash",
                    BatchJobSource.builder().fileName(input.name().orElseThrow()).build(), null);
            direct.batches.get(created.name().orElseThrow(), null);
            results = direct.batches.get(created.name().orElseThrow(), null).dest().orElseThrow().fileName()
                    .orElseThrow();
        }
        try (Client a = sdk(keyA)) {
            File uploaded = a.files.upload("x".getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("text/plain").build());
            TenantResource owned = resources.find(tenantA.id(), new UpstreamResourceName(ResourceKind.FILE,
                    uploaded.name().orElseThrow())).orElseThrow();
            resources.record(TenantResource.created(UUID.randomUUID(), new UpstreamResourceName(ResourceKind.FILE,
                    results), tenantA.id(), owned.apiKey(), owned.credential(), Optional.empty(), "ACTIVE",
                    Optional.empty(), Instant.now()));

            Path out = dir.resolve("results.jsonl");
            a.files.download(results, out.toString(), null);
            assertThat(Files.readString(out)).contains("\"key\":\"a\"").contains("Echo: Hello");

            // an uploaded file: the upstream's own refusal comes through
            assertThatThrownBy(() -> a.files.download(uploaded.name().orElseThrow(), dir.resolve("x").toString(),
                    null)).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(400));
        }
        try (Client b = sdk(keyB)) {
            assertThatThrownBy(() -> b.files.download(results, dir.resolve("b").toString(), null))
                    .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
        }
    }

    @Test
    void tenantBCannotListGetDeleteOrDownloadTenantAsFileAndItsRefusalsAreThoseOfAFileThatNeverExisted()
            throws Exception {
        String name;
        try (Client a = sdk(keyA)) {
            name = a.files.upload("secret of A".getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("text/plain").build()).name().orElseThrow();
        }
        String id = name.substring("files/".length());
        String never = "zz" + id.substring(2);
        int before = GatewayTestResources.emulator().recordedRequests().size();

        try (Client b = sdk(keyB)) {
            List<String> listed = new ArrayList<>();
            b.files.list(null).forEach(f -> listed.add(f.name().orElseThrow()));
            assertThat(listed).doesNotContain(name);
            assertThatThrownBy(() -> b.files.get(name, null)).isInstanceOf(ClientException.class);
            assertThatThrownBy(() -> b.files.delete(name, null)).isInstanceOf(ClientException.class);
        }
        for (String method : List.of("GET", "DELETE")) {
            for (String path : List.of("/v1beta/files/", "/v1/files/")) {
                for (String suffix : List.of("", ":download?alt=media")) {
                    if (method.equals("DELETE") && !suffix.isEmpty()) {
                        continue;
                    }
                    HttpResponse<String> theirs = send(method, path + id + suffix, keyB);
                    HttpResponse<String> none = send(method, path + never + suffix, keyB);
                    assertThat(theirs.statusCode()).isEqualTo(403);
                    assertThat(normalized(theirs.body())).isEqualTo(normalized(none.body()).replace(never, id));
                    assertThat(theirs.body()).contains("\"status\":\"PERMISSION_DENIED\"")
                            .contains("You do not have permission to access the File " + id + " or it may not exist.");
                }
            }
        }
        List<RecordedRequest> upstream = GatewayTestResources.emulator().recordedRequests();
        assertThat(upstream.subList(before, upstream.size()))
                .noneSatisfy(r -> assertThat(r.path() + "?" + r.query() + r.body()).contains(id));

        // and A still has it, untouched
        try (Client a = sdk(keyA)) {
            assertThat(a.files.get(name, null).name()).contains(name);
        }
    }

    @Test
    void aTenantUsesItsFileInAGenerateRequestAndAnotherTenantNamingItIsRefusedBeforeTheUpstream() throws Exception {
        File file;
        try (Client a = sdk(keyA)) {
            file = a.files.upload("a picture of A".getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("image/png").build());
            String uri = file.uri().orElseThrow();
            var answer = a.models.generateContent("gemini-2.5-flash", Content.fromParts(Part.fromText("Describe"),
                    Part.fromUri(uri, "image/png")), null);
            assertThat(answer.text()).isNotBlank();
            List<RecordedRequest> seen = GatewayTestResources.emulator().recordedRequests();
            assertThat(seen).anySatisfy(r -> {
                assertThat(r.path()).endsWith("models/gemini-2.5-flash:generateContent");
                assertThat(r.body()).contains(uri);
            });
        }
        String id = file.name().orElseThrow().substring("files/".length());
        String never = "zz" + id.substring(2);
        int before = GatewayTestResources.emulator().recordedRequests().size();
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe\"},{\"fileData\":"
                + "{\"mimeType\":\"image/png\",\"fileUri\":\"%s\"}}]}]}";
        HttpResponse<String> theirs = post("/v1beta/models/gemini-2.5-flash:generateContent",
                body.formatted(file.uri().orElseThrow()), keyB);
        HttpResponse<String> none = post("/v1beta/models/gemini-2.5-flash:generateContent",
                body.formatted(file.uri().orElseThrow().replace(id, never)), keyB);
        assertThat(theirs.statusCode()).isEqualTo(403);
        assertThat(normalized(theirs.body())).isEqualTo(normalized(none.body()).replace(never, id));
        assertThat(theirs.body()).contains("You do not have permission to access the File " + id);
        try (Client b = sdk(keyB)) {
            assertThatThrownBy(() -> b.models.generateContent("gemini-2.5-flash", Content.fromParts(
                    Part.fromText("Describe"), Part.fromUri(file.uri().orElseThrow(), "image/png")), null))
                    .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
        }
        List<RecordedRequest> upstream = GatewayTestResources.emulator().recordedRequests();
        assertThat(upstream.subList(before, upstream.size())).isEmpty();
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.toString().replaceAll("/$", "") + path))
                .header("x-goog-api-key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aChunkSentAsCurlsDataBinarySendsIt_AFormTypeIsTakenAsBytes() throws Exception {
        // Google's REST samples upload with curl --data-binary, which labels the bytes application/x-www-form-urlencoded
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.toString()
                        .replaceAll("/$", "") + "/upload/v1beta/files")).header("x-goog-api-key", keyA)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", "11")
                .header("X-Goog-Upload-Header-Content-Type", "text/plain").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"displayName\":\"curl\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String url = started.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", "0")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=b&c=d e f")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.headers().firstValue("X-Goog-Upload-Status")).hasValue("final");
        assertThat(done.body()).contains("\"sizeBytes\":\"11\"").contains("\"displayName\":\"curl\"");
    }

    @Test
    void theUploadUrlIsTheGatewaysOwnOnTheForwardedHostAndSchemeAndNeverTheUpstreams() throws Exception {
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "upload/v1beta/files"))
                .header("x-goog-api-key", keyA).header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").header("X-Goog-Upload-Header-Content-Length", "5")
                .header("X-Goog-Upload-Header-Content-Type", "text/plain")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "gw.example:8443")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":{\"displayName\":\"d\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.body()).isEmpty();
        assertThat(start.headers().firstValue("X-Goog-Upload-Status")).contains("active");
        String url = start.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
        assertThat(url).matches("https://gw\\.example:8443/upload/v1beta/files\\?upload_id=[A-Za-z0-9_-]{43}"
                + "&upload_protocol=resumable");
        assertThat(url).doesNotContain(GatewayTestResources.emulator().baseUrl());

        // a chunk without any key (as Python sends it) at the gateway's own address, then the final one
        String local = gateway + url.substring("https://gw.example:8443/".length());
        HttpResponse<String> first = chunk(local, "upload", 0, "hel", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Goog-Upload-Status")).contains("active");
        HttpResponse<String> last = chunk(local, "upload, finalize", 3, "lo", null);
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(last.headers().firstValue("X-Goog-Upload-Status")).contains("final");
        assertThat(last.body()).startsWith("{\"file\":{").contains("\"sizeBytes\":\"5\"").contains("\"displayName\":\"d\"");

        // the session is closed: the same URL is now unknown
        HttpResponse<String> again = chunk(local, "upload, finalize", 5, "x", null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.headers().firstValue("X-Goog-Upload-Status")).contains("final");
    }

    @Test
    void anUploadSessionIsRefusedToAnotherTenantsKeyAndAnUnknownOneIsA404WithTheFinalStatus() throws Exception {
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "upload/v1/files"))
                .header("x-goog-api-key", keyA).header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String url = start.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
        assertThat(url).startsWith(gateway + "upload/v1/files?upload_id=");
        int before = GatewayTestResources.emulator().recordedRequests().size();

        HttpResponse<String> byB = chunk(url, "upload, finalize", 0, "data of B", keyB);
        String unknownUrl = gateway + "upload/v1/files?upload_id=" + "A".repeat(43) + "&upload_protocol=resumable";
        HttpResponse<String> unknown = chunk(unknownUrl, "upload, finalize", 0, "data of B", keyB);
        for (HttpResponse<String> refused : List.of(byB, unknown)) {
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.headers().firstValue("X-Goog-Upload-Status")).contains("final");
            assertThat(refused.body()).contains("\"code\":404").contains("\"status\":\"NOT_FOUND\"");
        }
        assertThat(normalized(byB.body())).isEqualTo(normalized(unknown.body()));
        assertThat(GatewayTestResources.emulator().recordedRequests().size()).isEqualTo(before);

        // the session was not spent: A's own key (or none) still completes it
        HttpResponse<String> byA = chunk(url, "upload, finalize", 0, "data of A", keyA);
        assertThat(byA.statusCode()).isEqualTo(200);
        assertThat(byA.body()).contains("\"sizeBytes\":\"9\"");

        // a wrong offset is a 400, also with the final status
        HttpResponse<String> start2 = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "upload/v1beta/files"))
                .header("x-goog-api-key", keyA).header("X-Goog-Upload-Command", "start")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> skipped = chunk(start2.headers().firstValue("X-Goog-Upload-URL").orElseThrow(), "upload",
                7, "x", null);
        assertThat(skipped.statusCode()).isEqualTo(400);
        assertThat(skipped.headers().firstValue("X-Goog-Upload-Status")).contains("final");

        // a start without a key is refused like any tenant call, with the final status too
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "upload/v1beta/files"))
                .header("X-Goog-Upload-Command", "start").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("X-Goog-Upload-Status")).contains("final");
    }

    @Test
    void aChunkLargerThanAPieceGoesUpstreamInPiecesOf8MibWithTheCallersOffsets() throws Exception {
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "upload/v1beta/files"))
                .header("x-goog-api-key", keyA).header("X-Goog-Upload-Command", "start")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        String url = start.headers().firstValue("X-Goog-Upload-URL").orElseThrow();
        int before = GatewayTestResources.emulator().recordedRequests().size();
        byte[] data = bytes(20 * 1024 * 1024 + 5);

        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", "0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("\"sizeBytes\":\"" + data.length + "\"").contains("\"sha256Hash\":\""
                + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data)) + "\"");
        List<RecordedRequest> sent = GatewayTestResources.emulator().recordedRequests();
        List<RecordedRequest> chunks = sent.subList(before, sent.size()).stream()
                .filter(r -> r.path().startsWith("/upload/")).toList();
        assertThat(chunks).extracting(r -> r.header("x-goog-upload-offset"))
                .containsExactly("0", Integer.toString(8 << 20), Integer.toString(16 << 20));
        assertThat(chunks).extracting(r -> r.header("x-goog-upload-command"))
                .containsExactly("upload", "upload", "upload, finalize");
    }

    @Test
    void aFileGoogleDroppedIsRefusedLikeAnyMissingFileAndLeavesTheList() throws Exception {
        try (Client a = sdk(keyA)) {
            String name = a.files.upload("short-lived".getBytes(StandardCharsets.UTF_8),
                    UploadFileConfig.builder().mimeType("text/plain").build()).name().orElseThrow();
            GatewayTestResources.emulator().advanceClock(java.time.Duration.ofHours(49)); // Google keeps files 48 h
            assertThatThrownBy(() -> a.files.get(name, null)).isInstanceOfSatisfying(ClientException.class, e -> {
                assertThat(e.code()).isEqualTo(403);
                assertThat(e.message()).startsWith("You do not have permission to access the File "
                        + name.substring("files/".length()) + " or it may not exist.");
            });
            assertThat(resources.find(tenantA.id(), new UpstreamResourceName(ResourceKind.FILE, name))).isEmpty();
            List<String> listed = new ArrayList<>();
            a.files.list(null).forEach(f -> listed.add(f.name().orElseThrow()));
            assertThat(listed).doesNotContain(name);
        }
    }

    private HttpResponse<String> send(String method, String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.toString().replaceAll("/$", "") + path))
                .header("x-goog-api-key", key).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chunk(String url, String command, long offset, String data, String key)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("X-Goog-Upload-Command", command)
                .header("X-Goog-Upload-Offset", Long.toString(offset))
                .POST(HttpRequest.BodyPublishers.ofString(data));
        if (key != null) {
            request.header("x-goog-api-key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body without the per-request ids (every answer names its own request). */
    static String normalized(String body) {
        return body.replaceAll("\"requestId\"\\s*:\\s*\"[^\"]*\"", "\"requestId\":\"-\"");
    }
}
