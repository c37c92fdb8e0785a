package dev.gemgate.domain.fakes;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyUsageRecorder;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers the latest use of each key. */
public final class InMemoryKeyUsageRecorder implements KeyUsageRecorder {
    private final Map<ApiKeyId, Instant> lastUsed = new ConcurrentHashMap<>();

    @Override
    public void used(ApiKeyId key, Instant at) {
        lastUsed.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    public Optional<Instant> lastUsed(ApiKeyId key) {
        return Optional.ofNullable(lastUsed.get(key));
    }
}
