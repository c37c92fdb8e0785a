package dev.gemgate.domain.tenant;

import java.util.List;
import java.util.Optional;

/** Port: tenant API keys, stored as hashes. */
public interface ApiKeyRepository {
    void save(ApiKey key);

    Optional<ApiKey> findByHash(String hash);

    Optional<ApiKey> findById(ApiKeyId id);

    List<ApiKey> findByTenant(TenantId tenantId);
}
