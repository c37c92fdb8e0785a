package dev.gemgate.adapter.gemini;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.HttpApiClient;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import okhttp3.Request;

import java.util.Optional;

/**
 * The SDK's HTTP client for raw calls, which also lends out its request building: {@link #build} is the request the
 * SDK would send (base URL, API version, the Vertex AI project path, the key or a fresh Vertex AI access token, its
 * client headers, the body), for a transport other than the SDK's own OkHttp client to send ({@link VertxTransport}).
 */
final class RawRequests extends HttpApiClient {
    /** Gemini Developer API (an API key). */
    RawRequests(String apiKey, HttpOptions httpOptions, ClientOptions clientOptions) {
        super(Optional.of(apiKey), Optional.of(httpOptions), Optional.of(clientOptions));
    }

    /** Vertex AI. */
    RawRequests(String project, String location, GoogleCredentials credentials, HttpOptions httpOptions,
                ClientOptions clientOptions) {
        super(Optional.empty(), Optional.of(project), Optional.of(location), Optional.of(credentials),
                Optional.of(httpOptions), Optional.of(clientOptions));
    }

    /** The POST of {@code body} (JSON text, sent as UTF-8) to {@code path}, as the SDK builds it. */
    Request build(String path, String body) {
        return buildRequest("post", path, body, Optional.empty());
    }
}
