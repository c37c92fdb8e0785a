package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import dev.gemgate.domain.tenant.TenantRepository;
import dev.gemgate.domain.tenant.TenantSearch;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The tenant port in memory, with the PostgreSQL adapter's rules: live names unique ignoring case, oldest first. */
public final class InMemoryTenantRepository implements TenantRepository {
    private final Map<TenantId, Tenant> tenants = new ConcurrentHashMap<>();

    @Override
    public synchronized void save(Tenant tenant) {
        if (!tenant.isDeleted()) {
            tenants.values().stream()
                    .filter(t -> !t.isDeleted() && sameName(t.name(), tenant.name()) && !t.id().equals(tenant.id()))
                    .findAny()
                    .ifPresent(t -> {
                        throw new ConflictException("a tenant named '" + tenant.name() + "' already exists");
                    });
        }
        tenants.put(tenant.id(), tenant);
    }

    @Override
    public Optional<Tenant> findById(TenantId id) {
        return Optional.ofNullable(tenants.get(id));
    }

    @Override
    public Optional<Tenant> findByName(String name) {
        return tenants.values().stream().filter(t -> !t.isDeleted() && sameName(t.name(), name)).findFirst();
    }

    @Override
    public TenantPage search(TenantSearch search) {
        List<Tenant> matching = tenants.values().stream().filter(search::matches)
                .sorted(Comparator.comparing(Tenant::createdAt).thenComparing(Tenant::name)
                        .thenComparing(t -> t.id().value()))
                .toList();
        return new TenantPage(matching.stream().skip(search.offset()).limit(search.limit()).toList(), matching.size());
    }

    private static boolean sameName(String a, String b) {
        return a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
