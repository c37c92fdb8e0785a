package dev.gemgate.domain.cache;

import dev.gemgate.domain.generation.GenerationResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: exact-match response cache, scoped by tenant. {@code get} answers only entries that have not expired at
 * {@code now}; {@code put} stores an entry for {@code ttl} from {@code now} (an adapter may decline to store one, e.g. an
 * answer above its size limit). Neither may fail a request: adapters absorb their own storage failures.
 */
public interface ResponseCache {
    /** Stores nothing, finds nothing. */
    ResponseCache NONE = new ResponseCache() {
        @Override
        public Optional<GenerationResponse> get(CacheKey key, Instant now) {
            return Optional.empty();
        }

        @Override
        public void put(CacheKey key, GenerationResponse response, Duration ttl, Instant now) {
        }
    };

    Optional<GenerationResponse> get(CacheKey key, Instant now);

    void put(CacheKey key, GenerationResponse response, Duration ttl, Instant now);
}
