package dev.gemgate.domain.fakes;

import dev.gemgate.domain.cache.CacheKey;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.generation.GenerationResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryResponseCache implements ResponseCache {
    private record Entry(GenerationResponse response, Instant expiresAt) {
    }

    private final Map<CacheKey, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<GenerationResponse> get(CacheKey key, Instant now) {
        Entry e = entries.get(key);
        return e != null && now.isBefore(e.expiresAt()) ? Optional.of(e.response()) : Optional.empty();
    }

    @Override
    public void put(CacheKey key, GenerationResponse response, Duration ttl, Instant now) {
        entries.put(key, new Entry(response, now.plus(ttl)));
    }

    public int size() {
        return entries.size();
    }
}
