package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourcePage;
import dev.gemgate.domain.resource.ResourcePageToken;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ownership store in memory, with the rules of {@code PostgresTenantResources}: uniqueness among live resources
 * per (kind, name, credential) and per (tenant, kind, name), expired rows yielding to a new record, soft delete,
 * keyset paging newest first. {@link #all()} includes deleted rows (the billing history).
 */
public final class InMemoryTenantResources implements TenantResources {
    /** PostgreSQL orders uuids by their unsigned bytes: as their lowercase text, not as {@code UUID.compareTo}. */
    private static final Comparator<TenantResource> NEWEST_FIRST = Comparator
            .comparing(TenantResource::createdAt).thenComparing(r -> r.id().toString()).reversed();

    private final List<TenantResource> rows = new ArrayList<>();

    @Override
    public synchronized TenantResource record(TenantResource r) {
        if (r.deleted()) {
            throw new IllegalArgumentException("a resource is recorded live (deletedAt empty)");
        }
        TenantResource stored = truncated(r);
        for (int i = 0; i < rows.size(); i++) {
            TenantResource old = rows.get(i);
            boolean inTheWay = !old.deleted() && old.name().equals(r.name())
                    && (old.credential().equals(r.credential()) || old.tenant().equals(r.tenant()));
            if (!inTheWay) {
                continue;
            }
            Optional<Instant> expiry = old.expireTime().filter(e -> !e.isAfter(stored.createdAt()));
            if (expiry.isEmpty()) {
                throw new ConflictException("A live " + r.kind() + " " + r.name() + " is recorded already.");
            }
            Instant at = expiry.get().isBefore(old.createdAt()) ? old.createdAt() : expiry.get();
            rows.set(i, copy(old, old.updatedAt().isAfter(at) ? old.updatedAt() : at, Optional.of(at)));
        }
        rows.add(stored);
        return stored;
    }

    @Override
    public synchronized Optional<TenantResource> find(TenantId tenant, UpstreamResourceName name) {
        return rows.stream().filter(r -> live(r, tenant, name)).findFirst();
    }

    @Override
    public synchronized ResourcePage list(TenantId tenant, ResourceKind kind, int pageSize,
                                          Optional<String> pageToken) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("1 <= pageSize <= " + MAX_PAGE_SIZE);
        }
        Optional<ResourcePageToken> after = pageToken.map(ResourcePageToken::decode);
        List<TenantResource> found = rows.stream()
                .filter(r -> !r.deleted() && r.tenant().equals(tenant) && r.kind() == kind)
                .filter(r -> after.map(p -> r.createdAt().isBefore(p.createdAt()) || r.createdAt()
                        .equals(p.createdAt()) && r.id().toString().compareTo(p.id().toString()) < 0).orElse(true))
                .sorted(NEWEST_FIRST).limit(pageSize + 1L).toList();
        if (found.size() <= pageSize) {
            return new ResourcePage(found, Optional.empty());
        }
        List<TenantResource> page = found.subList(0, pageSize);
        return new ResourcePage(page, Optional.of(ResourcePageToken.after(page.getLast()).encode()));
    }

    @Override
    public synchronized Optional<TenantResource> update(TenantId tenant, UpstreamResourceName name,
                                                        ResourceUpdate u, Instant now) {
        u.checkApplies(name.kind());
        for (int i = 0; i < rows.size(); i++) {
            TenantResource r = rows.get(i);
            if (live(r, tenant, name)) {
                Instant at = latest(r.updatedAt(), now.truncatedTo(ChronoUnit.MICROS));
                TenantResource updated = new TenantResource(r.id(), r.name(), r.tenant(), r.apiKey(),
                        r.credential(), r.model(), u.sizeBytes().isPresent() ? u.sizeBytes() : r.sizeBytes(),
                        u.tokenCount().isPresent() ? u.tokenCount() : r.tokenCount(),
                        u.requestCount().isPresent() ? u.requestCount() : r.requestCount(),
                        u.state().orElse(r.state()),
                        u.expireTime().map(e -> e.truncatedTo(ChronoUnit.MICROS)).or(r::expireTime),
                        u.reserved().orElse(r.reserved()), u.settled().orElse(r.settled()), r.createdAt(), at,
                        Optional.empty(), u.description().orElse(r.description()));
                rows.set(i, updated);
                return Optional.of(updated);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<TenantResource> delete(TenantId tenant, UpstreamResourceName name, Instant now) {
        for (int i = 0; i < rows.size(); i++) {
            TenantResource r = rows.get(i);
            if (live(r, tenant, name)) {
                Instant at = now.truncatedTo(ChronoUnit.MICROS);
                TenantResource deleted = copy(r, latest(r.updatedAt(), at), Optional.of(latest(r.createdAt(), at)));
                rows.set(i, deleted);
                return Optional.of(deleted);
            }
        }
        return Optional.empty();
    }

    /** Every row ever recorded, deleted ones included. */
    public synchronized List<TenantResource> all() {
        return List.copyOf(rows);
    }

    private static boolean live(TenantResource r, TenantId tenant, UpstreamResourceName name) {
        return !r.deleted() && r.tenant().equals(tenant) && r.name().equals(name);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static TenantResource copy(TenantResource r, Instant updatedAt, Optional<Instant> deletedAt) {
        return new TenantResource(r.id(), r.name(), r.tenant(), r.apiKey(), r.credential(), r.model(), r.sizeBytes(),
                r.tokenCount(), r.requestCount(), r.state(), r.expireTime(), r.reserved(), r.settled(), r.createdAt(),
                updatedAt, deletedAt, r.description());
    }

    private static TenantResource truncated(TenantResource r) {
        return new TenantResource(r.id(), r.name(), r.tenant(), r.apiKey(), r.credential(), r.model(), r.sizeBytes(),
                r.tokenCount(), r.requestCount(), r.state(),
                r.expireTime().map(e -> e.truncatedTo(ChronoUnit.MICROS)), r.reserved(), r.settled(),
                r.createdAt().truncatedTo(ChronoUnit.MICROS), r.updatedAt().truncatedTo(ChronoUnit.MICROS),
                Optional.empty(), r.description());
    }
}
