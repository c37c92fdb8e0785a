package dev.gemgate.adapter.web.openai;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/**
 * The OpenAI-compatible surface's configuration ({@code gemgate.openai.*}).
 */
@ConfigMapping(prefix = "gemgate.openai")
public interface OpenAiSettings {
    /**
     * Remote {@code image_url}s a request may name, as URL prefixes (scheme, host, port and a path prefix, e.g.
     * {@code https://storage.googleapis.com/my-bucket/} or {@code gs://my-bucket/}). Empty by default: a remote URL is
     * refused, since the gateway must not be a way to make requests to arbitrary addresses. An allowed URL is never
     * fetched by the gateway: it goes to Gemini as {@code fileData.fileUri}.
     */
    Optional<List<String>> imageUrlAllowList();
}
