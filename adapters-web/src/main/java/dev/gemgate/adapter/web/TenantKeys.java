package dev.gemgate.adapter.web.gemini;

import java.util.Optional;

/**
 * Where a tenant key may come from, in the order the SDKs use: {@code x-goog-api-key} (Google's SDKs),
 * {@code ?key=} (REST examples), {@code Authorization: Bearer} (OpenAI-style clients).
 */
final class TenantKeys {
    private TenantKeys() {
    }

    static Optional<String> extract(String googApiKeyHeader, String keyQuery, String authorization) {
        if (googApiKeyHeader != null && !googApiKeyHeader.isBlank()) {
            return Optional.of(googApiKeyHeader.strip());
        }
        if (keyQuery != null && !keyQuery.isBlank()) {
            return Optional.of(keyQuery.strip());
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }
}
