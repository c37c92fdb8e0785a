package dev.gemgate.domain.cache;

import dev.gemgate.domain.generation.GenerationResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Port: exact-match response cache, scoped by tenant. */
public interface ResponseCache {
    Optional<GenerationResponse> get(CacheKey key, Instant now);

    void put(CacheKey key, GenerationResponse response, Duration ttl, Instant now);
}
