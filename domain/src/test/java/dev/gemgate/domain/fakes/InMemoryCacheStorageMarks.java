package dev.gemgate.domain.fakes;

import dev.gemgate.domain.resource.CacheStorage;
import dev.gemgate.domain.resource.CacheStorageMarks;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The storage marks in memory over an {@link InMemoryTenantResources}, with the rules of
 * {@code PostgresCacheStorageMarks}: a mark only moves forward, never past the cache's deletion or expiry, and an
 * expired live cache is closed at its expiry when the mark passes it.
 */
public final class InMemoryCacheStorageMarks implements CacheStorageMarks {
    private final InMemoryTenantResources store;
    private final Map<UUID, Instant> marks = new HashMap<>();

    public InMemoryCacheStorageMarks(InMemoryTenantResources store) {
        this.store = store;
    }

    @Override
    public synchronized Optional<Stretch> advance(UUID cacheId, Instant through) {
        Optional<TenantResource> found = current(cacheId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TenantResource cache = found.get();
        Instant at = through.truncatedTo(ChronoUnit.MICROS);
        Instant prev = marks.getOrDefault(cacheId, cache.createdAt());
        Instant upto = end(cache, at);
        if (!prev.isBefore(upto)) {
            return Optional.empty();
        }
        marks.put(cacheId, upto);
        if (!cache.deleted() && cache.expireTime().map(e -> !e.isAfter(at)).orElse(false)) {
            store.delete(cache.tenant(), cache.name(), cache.expireTime().get());
        }
        return Optional.of(new Stretch(prev, upto));
    }

    @Override
    public synchronized List<Due> due(Instant now, Duration interval, int limit) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        List<Due> due = new ArrayList<>();
        for (TenantResource cache : latest()) {
            if (cache.model().isEmpty() || cache.tokenCount().isEmpty()) {
                continue;
            }
            Instant billed = marks.getOrDefault(cache.id(), cache.createdAt());
            Instant stop = end(cache, at);
            boolean ended = cache.deleted() || cache.expireTime().map(e -> !e.isAfter(at)).orElse(false);
            if (billed.isBefore(stop) && (ended || !billed.isAfter(at.minus(interval)))) {
                due.add(new Due(CacheStorage.of(cache), billed, stop));
            }
        }
        due.sort(Comparator.comparing(Due::end));
        return due.size() > limit ? due.subList(0, limit) : due;
    }

    /** Where the mark of {@code cacheId} is (the cache's creation while nothing was charged). */
    public synchronized Optional<Instant> markOf(UUID cacheId) {
        return current(cacheId).map(c -> marks.getOrDefault(cacheId, c.createdAt()));
    }

    private static Instant end(TenantResource cache, Instant through) {
        Instant end = through;
        if (cache.deletedAt().isPresent() && cache.deletedAt().get().isBefore(end)) {
            end = cache.deletedAt().get();
        }
        if (cache.expireTime().isPresent() && cache.expireTime().get().isBefore(end)) {
            end = cache.expireTime().get();
        }
        return end;
    }

    private Optional<TenantResource> current(UUID id) {
        return latest().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private List<TenantResource> latest() {
        return store.all().stream().filter(r -> r.kind() == ResourceKind.CACHED_CONTENT).toList();
    }
}
