package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The resumable upload protocol on the wire, as the other SDKs (Python, JS, Go) speak it. */
class UploadProtocolTest extends EmulatorTestBase {

    @BeforeEach
    void fresh() {
        emulator.reset();
    }

    EmulatorClient.Reply start(String path, String body, String... headers) {
        HttpRequest.Builder request = client.request(path).header("x-goog-api-key", EmulatorClient.KEY)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build());
    }

    /** A chunk without an API key, repeating the start headers (what the Python SDK sends). */
    EmulatorClient.Reply chunk(String url, String command, long offset, byte[] bytes) {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", command).header("X-Goog-Upload-Offset", Long.toString(offset))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    @Test
    void aPythonStyleUploadOnV1betaWithoutAKeyOnTheChunks() {
        EmulatorClient.Reply started = start("/upload/v1beta/files",
                "{\"file\":{\"mimeType\":\"image/png\",\"sizeBytes\":6,\"displayName\":\"d\",\"name\":\"files/mine1\"}}",
                "X-Goog-Upload-Header-Content-Length", "6", "X-Goog-Upload-Header-Content-Type", "image/png");
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.body()).isEmpty();
        assertThat(started.header("x-goog-upload-status")).isEqualTo("active");
        String url = started.header("x-goog-upload-url");
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/upload/v1beta/files\\?upload_id=[a-z0-9]+"
                + "&upload_protocol=resumable");

        EmulatorClient.Reply first = chunk(url, "upload", 0, "abc".getBytes());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-goog-upload-status")).isEqualTo("active");
        EmulatorClient.Reply wrongOffset = chunk(url, "upload, finalize", 0, "def".getBytes());
        assertThat(wrongOffset.status()).isEqualTo(400);
        assertThat(wrongOffset.header("x-goog-upload-status")).isEqualTo("final");
        EmulatorClient.Reply last = chunk(url, "upload, finalize", 3, "def".getBytes());
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.header("x-goog-upload-status")).isEqualTo("final");
        JsonNode file = last.json().path("file");
        assertThat(file.path("name").asText()).isEqualTo("files/mine1");
        assertThat(file.path("displayName").asText()).isEqualTo("d");
        assertThat(file.path("sizeBytes").asText()).isEqualTo("6");
        assertThat(file.path("mimeType").asText()).isEqualTo("image/png");

        EmulatorClient.Reply again = chunk(url, "upload, finalize", 6, new byte[0]);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.header("x-goog-upload-status")).isEqualTo("final");
        assertThat(start("/upload/v1beta/files", "{\"file\":{\"name\":\"files/mine1\"}}").status()).isEqualTo(409);
    }

    @Test
    void aGoStyleUploadEndsWithAnEmptyFinalizeAndAPythonStyleEmptyFileIsOneEmptyFinalize() {
        String url = start("/upload/v1beta/files", "{\"file\":{\"mimeType\":\"\"}}",
                "X-Goog-Upload-Header-Content-Type", "text/plain; charset=utf-8").header("x-goog-upload-url");
        assertThat(chunk(url, "upload", 0, "abc".getBytes()).header("x-goog-upload-status")).isEqualTo("active");
        EmulatorClient.Reply last = chunk(url, "upload, finalize", 3, new byte[0]);
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.json().path("file").path("sizeBytes").asText()).isEqualTo("3");
        assertThat(last.json().path("file").path("mimeType").asText()).isEqualTo("text/plain");

        String empty = start("/upload/v1beta/files", "{\"file\":{\"mimeType\":\"text/plain\",\"sizeBytes\":0}}",
                "X-Goog-Upload-Header-Content-Length", "0").header("x-goog-upload-url");
        JsonNode file = chunk(empty, "upload, finalize", 0, new byte[0]).json().path("file");
        assertThat(file.path("sizeBytes").asText()).isEqualTo("0");
        assertThat(file.path("sha256Hash").asText()).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    @Test
    void theUploadUrlFollowsTheHostTheClientUsed() {
        EmulatorClient.Reply forwarded = start("/upload/v1/files", "{}", "X-Forwarded-Host", "gw.example:8443",
                "X-Forwarded-Proto", "https", "X-Goog-Upload-Header-Content-Type", "text/plain");
        assertThat(forwarded.header("x-goog-upload-url")).startsWith("https://gw.example:8443/upload/v1/files?upload_id=");
    }

    @Test
    void aSizeOtherThanDeclaredAnUnknownSessionAndAFaultEndTheUploadWithStatusFinal() {
        String url = start("/upload/v1beta/files", "{}", "X-Goog-Upload-Header-Content-Length", "10",
                "X-Goog-Upload-Header-Content-Type", "text/plain").header("x-goog-upload-url");
        EmulatorClient.Reply shortUpload = chunk(url, "upload, finalize", 0, "abc".getBytes());
        assertThat(shortUpload.status()).isEqualTo(400);
        assertThat(shortUpload.header("x-goog-upload-status")).isEqualTo("final");
        assertThat(shortUpload.json().path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");

        EmulatorClient.Reply unknown = chunk(client.baseUrl + "/upload/v1beta/files?upload_id=nope&upload_protocol="
                + "resumable", "upload, finalize", 0, "x".getBytes());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("x-goog-upload-status")).isEqualTo("final");

        String next = start("/upload/v1beta/files", "{}", "X-Goog-Upload-Header-Content-Type", "text/plain")
                .header("x-goog-upload-url");
        emulator.faults().serverError(1, 503);
        EmulatorClient.Reply faulted = chunk(next, "upload, finalize", 0, "abc".getBytes());
        assertThat(faulted.status()).isEqualTo(503);
        assertThat(faulted.header("x-goog-upload-status")).isEqualTo("final");
        // the session survives a fault: the same chunk again succeeds
        assertThat(chunk(next, "upload, finalize", 0, "abc".getBytes()).status()).isEqualTo(200);
    }

    @Test
    void anUploadLargerThanTheBodyLimitPasses() {
        try (GeminiEmulator small = GeminiEmulator.start(EmulatorConfig.builder().maxBodyBytes(1024).build())) {
            EmulatorClient smallClient = new EmulatorClient(small);
            EmulatorClient.Reply started = smallClient.send(smallClient.request("/upload/v1beta/files")
                    .header("x-goog-api-key", "k").header("X-Goog-Upload-Protocol", "resumable")
                    .header("X-Goog-Upload-Command", "start").header("X-Goog-Upload-Header-Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            EmulatorClient.Reply done = chunk(started.header("x-goog-upload-url"), "upload, finalize", 0,
                    new byte[100_000]);
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.json().path("file").path("sizeBytes").asText()).isEqualTo("100000");
            assertThat(smallClient.post("/v1beta/models/gemini-2.5-flash:generateContent",
                    EmulatorClient.userText("x".repeat(2000))).status()).isEqualTo(400);
        }
    }

    @Test
    void resourceCallsWithoutACredentialAreRefusedAndShowInTheKeyLog() {
        EmulatorClient.Reply anonymous = client.send(client.request("/v1beta/files").GET().build());
        assertThat(anonymous.status()).isEqualTo(403);
        assertThat(anonymous.json().path("error").path("message").asText()).startsWith("Method doesn't allow unregistered");
        assertThat(client.get("/v1beta/cachedContents").status()).isEqualTo(200);
        assertThat(client.get("/v1beta/batches").status()).isEqualTo(200);
        assertThat(client.get("/v1beta/files").body()).isEqualTo("{}");
        assertThat(emulator.keyLog().calls(EmulatorClient.KEY)).isEqualTo(3);
        assertThat(client.post("/v1beta/files", "{}").status()).isEqualTo(405);
        assertThat(client.get("/v1beta/files/nosuch").json().path("error").path("code").asInt()).isEqualTo(403);
        assertThat(client.get("/v1beta/batches/nosuch").status()).isEqualTo(404);
    }
}
