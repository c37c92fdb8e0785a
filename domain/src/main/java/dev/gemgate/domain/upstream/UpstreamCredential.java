package dev.gemgate.domain.upstream;

import java.util.Optional;

/**
 * How Gemgate authenticates to Gemini: a Gemini Developer API key, or a Vertex AI project with a service account.
 * {@code secret} is the API key or the service-account JSON; it never appears in {@link #toString()}.
 * {@code baseUrl} points the SDK elsewhere than Google (the emulator), when present.
 */
public record UpstreamCredential(UpstreamCredentialId id, Mode mode, String secret, Optional<String> baseUrl,
                                 Optional<String> vertexProject, Optional<String> vertexLocation) {
    public enum Mode { GEMINI_API_KEY, VERTEX_AI }

    public UpstreamCredential {
        if (id == null || mode == null || baseUrl == null || vertexProject == null || vertexLocation == null) {
            throw new IllegalArgumentException("upstream credential fields are required");
        }
        if (mode == Mode.GEMINI_API_KEY && (secret == null || secret.isBlank())) {
            throw new IllegalArgumentException("a Gemini API key credential needs the key");
        }
        if (mode == Mode.VERTEX_AI && (vertexProject.isEmpty() || vertexLocation.isEmpty())) {
            throw new IllegalArgumentException("a Vertex AI credential needs a project and a location");
        }
    }

    public static UpstreamCredential apiKey(UpstreamCredentialId id, String key, Optional<String> baseUrl) {
        return new UpstreamCredential(id, Mode.GEMINI_API_KEY, key, baseUrl, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return "UpstreamCredential[" + id + ", " + mode + baseUrl.map(u -> ", " + u).orElse("") + "]";
    }
}
