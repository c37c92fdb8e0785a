package dev.gemgate.adapter.gemini;

import com.google.genai.ApiResponse;
import com.google.genai.errors.ApiException;
import com.google.genai.types.HttpOptions;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@link FilesPort} on the google-genai SDK's own HTTP client ({@code HttpApiClient.request}: the key, base URL, API
 * version, client headers and error types stay the SDK's), Gemini Developer API mode only: Vertex AI has no Files API,
 * so a Vertex credential answers {@link UpstreamException.Kind#UNAVAILABLE} (retryable: the pool may offer another).
 *
 * <p>Chunks go as the SDK's {@code request(method, url, byte[], options)}, which keeps the path and query of Google's
 * upload URL and puts the credential's base URL's scheme and host in front (as the SDK's own uploader does). A chunk's
 * bytes are one bounded piece (the caller's, at most its piece size), never a whole file.
 *
 * <p>Google answers a file that is missing (or expired) with 403 PERMISSION_DENIED, which for any other call means a
 * rejected credential: for calls naming a file it is {@link UpstreamException.Kind#NOT_FOUND} here, so that the pool
 * never holds out a healthy credential because a file expired.
 */
public final class GenAiFilesAdapter implements FilesPort, AutoCloseable {
    static final String UPLOAD_URL_HEADER = "X-Goog-Upload-URL";
    static final String UPLOAD_STATUS_HEADER = "X-Goog-Upload-Status";

    private final GenAiClients clients;
    private final JsonBodies json = new JsonBodies();

    public GenAiFilesAdapter(GenAiSettings settings) {
        this.clients = new GenAiClients(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public UpstreamUploadUrl startUpload(UpstreamCredential credential, UploadStart start, Duration timeout) {
        requireGeminiApi(credential);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Goog-Upload-Protocol", "resumable");
        headers.put("X-Goog-Upload-Command", "start");
        start.contentLength().ifPresent(n -> headers.put("X-Goog-Upload-Header-Content-Length", Long.toString(n)));
        start.contentType().ifPresent(t -> headers.put("X-Goog-Upload-Header-Content-Type", t));
        start.fileName().ifPresent(n -> headers.put("X-Goog-Upload-File-Name", n));
        String body = start.body().isBlank() ? "{}" : start.body();
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request("post", "upload/{api_version}/files",
                    body, Optional.of(HttpOptions.builder().headers(headers).build()))) {
                response.getBody(); // an error status throws here
                String url = response.getHeaders().get(UPLOAD_URL_HEADER);
                if (url == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
                    throw new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                            "the upstream returned no upload URL");
                }
                return new UpstreamUploadUrl(url);
            } catch (RuntimeException e) {
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    @Override
    public ChunkAnswer uploadChunk(UpstreamCredential credential, UpstreamUploadUrl url, long offset, byte[] bytes,
                                   boolean finalize, Duration timeout) {
        requireGeminiApi(credential);
        Map<String, String> headers = Map.of(
                "X-Goog-Upload-Command", finalize ? "upload, finalize" : "upload",
                "X-Goog-Upload-Offset", Long.toString(offset));
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request("post", url.value(), bytes,
                    Optional.of(HttpOptions.builder().headers(headers).build()))) {
                String text = response.getBody().string();
                String status = response.getHeaders().get(UPLOAD_STATUS_HEADER);
                if ("active".equalsIgnoreCase(status) && !finalize) {
                    return new ChunkAnswer.Active();
                }
                if (!"final".equalsIgnoreCase(status) || !finalize) {
                    throw new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                            "the upstream answered an upload chunk with the status '" + printable(status) + "'");
                }
                Object file = json.parseObject(text).get("file");
                if (!(file instanceof Map<?, ?>)) {
                    throw new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                            "the upstream's final upload answer carries no file");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> tree = (Map<String, Object>) file;
                return new ChunkAnswer.Final(tree);
            } catch (IOException | RuntimeException e) {
                throw fileError(e, credential, guard);
            }
        }
    }

    @Override
    public Map<String, Object> getFile(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        requireGeminiApi(credential);
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request("get", name.value(), "",
                    Optional.empty())) {
                return json.parseObject(response.getBody().string());
            } catch (IOException | RuntimeException e) {
                throw fileError(e, credential, guard);
            }
        }
    }

    @Override
    public void deleteFile(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        requireGeminiApi(credential);
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request("delete", name.value(), "",
                    Optional.empty())) {
                response.getBody();
            } catch (RuntimeException e) {
                throw fileError(e, credential, guard);
            }
        }
    }

    @Override
    public DownloadedFile download(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        requireGeminiApi(credential);
        ApiResponse response = null;
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try {
                response = clients.rawClientFor(credential).request("get", name.value() + ":download?alt=media", "",
                        Optional.empty());
                ResponseBody body = response.getBody();
                long length = body.contentLength();
                String type = body.contentType() == null ? null : body.contentType().toString();
                InputStream bytes = body.byteStream();
                return new DownloadedFile(Optional.ofNullable(type),
                        length >= 0 ? OptionalLong.of(length) : OptionalLong.empty(), bytes);
            } catch (RuntimeException e) {
                if (response != null) {
                    response.close();
                }
                throw fileError(e, credential, guard);
            }
        }
    }

    /**
     * The SDK's or transport's failure as an {@link UpstreamException}; Google's 403 PERMISSION_DENIED and 404 on a call
     * naming a file or an upload session mean it is gone (missing, expired), not that the credential was refused.
     */
    private static UpstreamException fileError(Throwable failure, UpstreamCredential credential,
                                               UpstreamCallGuard guard) {
        if (failure instanceof ApiException api && (api.code() == 404
                || api.code() == 403 && "PERMISSION_DENIED".equals(api.status()) && !keyProblem(api))) {
            return new UpstreamException(UpstreamException.Kind.NOT_FOUND, api.code(),
                    "the upstream does not have this file or upload any more");
        }
        return UpstreamErrors.translate(failure, credential.secret(), guard);
    }

    /** A 403 that is about the key (suspended, API not enabled for its project), not about the file. */
    private static boolean keyProblem(ApiException api) {
        String message = api.message() == null ? "" : api.message();
        return message.contains("API key") || message.contains("API_KEY") || message.contains("SERVICE_DISABLED")
                || message.contains("has not been used in project") || message.contains("unregistered callers");
    }

    private static void requireGeminiApi(UpstreamCredential credential) {
        if (credential.mode() != UpstreamCredential.Mode.GEMINI_API_KEY) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0,
                    "upstream credential " + credential.id() + " is a Vertex AI credential, which has no Files API");
        }
    }

    private static String printable(String status) {
        return status == null ? "" : status.replaceAll("[^A-Za-z0-9 ,_-]", "?")
                .substring(0, Math.min(32, status.length()));
    }

    @Override
    public void close() {
        clients.close();
    }
}
