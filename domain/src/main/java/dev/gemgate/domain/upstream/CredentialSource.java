package dev.gemgate.domain.upstream;

/**
 * Where a pool credential's secret lives. {@link #CONFIGURATION}: the deployment's configured credential
 * ({@code GEMINI_API_KEY}, the Vertex AI settings, or the emulator); only its status and weight are stored, and it
 * cannot be deleted through the API. {@link #ADMIN}: added through the admin API, its secret stored encrypted.
 */
public enum CredentialSource {
    CONFIGURATION, ADMIN
}
