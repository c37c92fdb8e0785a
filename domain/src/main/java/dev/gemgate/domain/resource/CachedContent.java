package dev.gemgate.domain.resource;

import dev.gemgate.domain.generation.ModelId;

import java.time.Instant;
import java.util.Optional;

/**
 * A context cache as Google describes it: its {@code name}, {@code model}, {@code usageMetadata.totalTokenCount} (the
 * cached tokens, what creation and storage are billed by), {@code createTime} (where its storage starts; absent when
 * Google did not say), {@code expireTime}, and {@code json}, the CachedContent
 * exactly as Google wrote it (what the caller is answered, and what a list answers from the store).
 */
public record CachedContent(UpstreamResourceName name, ModelId model, long totalTokens,
                            Optional<Instant> createTime, Instant expireTime, String json) {
    public CachedContent {
        if (name == null || model == null || createTime == null || expireTime == null || json == null) {
            throw new IllegalArgumentException("a cached content has a name, a model, an expiry and its JSON");
        }
        if (name.kind() != ResourceKind.CACHED_CONTENT) {
            throw new IllegalArgumentException("not a cachedContents/ name: " + name);
        }
        if (totalTokens < 0) {
            throw new IllegalArgumentException("a token count cannot be negative");
        }
    }
}
