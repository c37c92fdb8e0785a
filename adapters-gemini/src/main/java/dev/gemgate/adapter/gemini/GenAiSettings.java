package dev.gemgate.adapter.gemini;

/**
 * How {@link GenAiGenerationAdapter} talks to Google.
 *
 * @param geminiApiVersion the Gemini Developer API version in request paths ({@code v1beta} by default: the Java SDK
 *                         2.0.0 would otherwise call {@code /v1/}, where newer fields are missing)
 * @param vertexApiVersion the Vertex AI API version ({@code v1beta1}, the SDK's own default)
 */
public record GenAiSettings(String geminiApiVersion, String vertexApiVersion) {
    public static final String DEFAULT_GEMINI_API_VERSION = "v1beta";
    public static final String DEFAULT_VERTEX_API_VERSION = "v1beta1";

    public GenAiSettings {
        if (geminiApiVersion == null || !geminiApiVersion.matches("v[0-9a-z]+")) {
            throw new IllegalArgumentException("not an API version: " + geminiApiVersion);
        }
        if (vertexApiVersion == null || !vertexApiVersion.matches("v[0-9a-z]+")) {
            throw new IllegalArgumentException("not an API version: " + vertexApiVersion);
        }
    }

    public static GenAiSettings defaults() {
        return new GenAiSettings(DEFAULT_GEMINI_API_VERSION, DEFAULT_VERTEX_API_VERSION);
    }

    public GenAiSettings withGeminiApiVersion(String version) {
        return new GenAiSettings(version, vertexApiVersion);
    }
}
