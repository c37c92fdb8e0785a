package dev.gemgate.domain.resource;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.util.UUID;

/**
 * What the storage of one context cache is billed by: whose it is ({@code tenant}, {@code apiKey}), its {@code model}
 * (whose price has the storage rate), its cached {@code tokens} and when it was created ({@code createdAt}, where its
 * storage starts). {@code id} is the cache's {@link TenantResource#id}.
 */
public record CacheStorage(UUID id, UpstreamResourceName name, TenantId tenant, ApiKeyId apiKey, ModelId model,
                           long tokens, Instant createdAt) {
    public CacheStorage {
        if (id == null || name == null || tenant == null || apiKey == null || model == null || createdAt == null) {
            throw new IllegalArgumentException("every field of a cache's storage is required");
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("a token count cannot be negative");
        }
    }

    /** The storage of a recorded cache (it has a model and a token count). */
    public static CacheStorage of(TenantResource cache) {
        if (cache.kind() != ResourceKind.CACHED_CONTENT || cache.model().isEmpty()
                || cache.tokenCount().isEmpty()) {
            throw new IllegalArgumentException("a cache with a model and a token count");
        }
        return new CacheStorage(cache.id(), cache.name(), cache.tenant(), cache.apiKey(), cache.model().get(),
                cache.tokenCount().getAsLong(), cache.createdAt());
    }
}
