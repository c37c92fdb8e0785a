package dev.gemgate.app.passthrough;

import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.generation.GenerationResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The cache seam before the response cache exists: never hits, stores nothing (and the default TTL is zero). */
@ApplicationScoped
public class DisabledResponseCache implements ResponseCache {
    @Override
    public Optional<GenerationResponse> get(CacheKey key, Instant now) {
        return Optional.empty();
    }

    @Override
    public void put(CacheKey key, GenerationResponse response, Duration ttl, Instant now) {
        // not stored
    }
}
