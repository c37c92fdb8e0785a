package dev.gemgate.adapter.gemini;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.HttpApiClient;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import okhttp3.Request;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SDK's HTTP client for raw calls, which also lends out its request building: {@link #head} is the request the
 * SDK would send (base URL, API version, the Vertex AI project path, the key or a fresh Vertex AI access token, its
 * client headers, the body's content type), for a transport other than the SDK's own OkHttp client to send with the
 * body ({@link VertxTransport}).
 */
final class RawRequests extends HttpApiClient {
    /** Paths whose head is kept: a gateway calls a few models' few methods; past this, heads are built per call. */
    static final int MAX_KEPT_HEADS = 256;

    /**
     * Whether what the SDK builds for a path is the same on every call: with an API key (and no extra body to merge
     * into each request) it is, so each path's head is built once; Vertex AI's carries an access token that the SDK
     * refreshes, so it is built per call. Building one cost about 6% of the CPU of a pass-through request (the SDK
     * makes a new Jackson ObjectMapper and parses the URL and the content type every time).
     */
    private final boolean headsKept;
    private final Map<String, Request> heads = new ConcurrentHashMap<>();

    /** Gemini Developer API (an API key). */
    RawRequests(String apiKey, HttpOptions httpOptions, ClientOptions clientOptions) {
        super(Optional.of(apiKey), Optional.of(httpOptions), Optional.of(clientOptions));
        this.headsKept = httpOptions().extraBody().isEmpty();
    }

    /** Vertex AI. */
    RawRequests(String project, String location, GoogleCredentials credentials, HttpOptions httpOptions,
                ClientOptions clientOptions) {
        super(Optional.empty(), Optional.of(project), Optional.of(location), Optional.of(credentials),
                Optional.of(httpOptions), Optional.of(clientOptions));
        this.headsKept = false;
    }

    /**
     * The POST to {@code path} as the SDK builds it, less the body, which the transport sends itself: the method,
     * the URL, the headers (the key or an access token among them) and the body's content type.
     */
    Request head(String path) {
        if (!headsKept) {
            return buildRequest("post", path, "", Optional.empty());
        }
        Request head = heads.get(path);
        if (head == null) {
            head = buildRequest("post", path, "", Optional.empty());
            if (heads.size() < MAX_KEPT_HEADS) {
                heads.putIfAbsent(path, head);
            }
        }
        return head;
    }
}
