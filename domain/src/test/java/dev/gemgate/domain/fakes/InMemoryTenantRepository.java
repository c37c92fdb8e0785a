package dev.gemgate.domain.fakes;

import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantRepository;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryTenantRepository implements TenantRepository {
    private final Map<TenantId, Tenant> tenants = new ConcurrentHashMap<>();

    @Override
    public void save(Tenant tenant) {
        tenants.values().stream()
                .filter(t -> t.name().equals(tenant.name()) && !t.id().equals(tenant.id()))
                .findAny()
                .ifPresent(t -> {
                    throw new IllegalStateException("tenant name already taken: " + tenant.name());
                });
        tenants.put(tenant.id(), tenant);
    }

    @Override
    public Optional<Tenant> findById(TenantId id) {
        return Optional.ofNullable(tenants.get(id));
    }

    @Override
    public Optional<Tenant> findByName(String name) {
        return tenants.values().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    @Override
    public List<Tenant> list(int offset, int limit) {
        return tenants.values().stream().sorted(Comparator.comparing(Tenant::createdAt).thenComparing(Tenant::name))
                .skip(offset).limit(limit).toList();
    }
}
