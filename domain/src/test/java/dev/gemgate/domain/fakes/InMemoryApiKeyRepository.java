package dev.gemgate.domain.fakes;

import dev.gemgate.domain.tenant.ApiKey;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiKeyRepository;
import dev.gemgate.domain.tenant.TenantId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

public final class InMemoryApiKeyRepository implements ApiKeyRepository {
    private final Map<ApiKeyId, ApiKey> keys = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    @Override
    public void save(ApiKey key) {
        keys.put(key.id(), key);
    }

    @Override
    public Optional<ApiKey> findByHash(String hash) {
        lookups.incrementAndGet();
        return keys.values().stream().filter(k -> k.hash().equals(hash)).findFirst();
    }

    @Override
    public Optional<ApiKey> findById(ApiKeyId id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public List<ApiKey> findByTenant(TenantId tenantId) {
        return keys.values().stream().filter(k -> k.tenantId().equals(tenantId)).toList();
    }

    /** How many hash lookups reached the store (to check caching in front of it). */
    public int lookups() {
        return lookups.get();
    }
}
