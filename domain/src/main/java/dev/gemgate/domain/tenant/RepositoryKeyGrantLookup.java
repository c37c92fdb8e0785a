package dev.gemgate.domain.tenant;

import java.util.Optional;

/** The uncached lookup: the key by hash, then its tenant. Adapters wrap it with a cache and a database guard. */
public final class RepositoryKeyGrantLookup implements KeyGrantLookup {
    private final ApiKeyRepository keys;
    private final TenantRepository tenants;

    public RepositoryKeyGrantLookup(ApiKeyRepository keys, TenantRepository tenants) {
        this.keys = keys;
        this.tenants = tenants;
    }

    @Override
    public Optional<KeyGrant> findByHash(String hash) {
        return keys.findByHash(hash).map(key -> new KeyGrant(key, tenants.findById(key.tenantId())));
    }
}
