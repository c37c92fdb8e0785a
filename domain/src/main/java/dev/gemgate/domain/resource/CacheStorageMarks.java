package dev.gemgate.domain.resource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: how far each context cache's storage has been billed, shared by every replica. A cache's storage runs from
 * its creation until its deletion through Gemgate or its expiry ({@link TenantResource#expireTime}, which a TTL change
 * moves); the mark says up to when it has been charged (its creation while nothing was). Moving the mark is the one
 * way to claim a stretch of storage for a charge, and it is atomic: of two replicas (or two sweeps) claiming the same
 * hours, exactly one gets them, so no hour is ever charged twice.
 */
public interface CacheStorageMarks {
    /**
     * Moves the mark of the cache {@code cacheId} forward to {@code through} (never past the cache's end: its deletion
     * or expiry) and answers the stretch this caller now charges, from where the mark was to where it is now; empty,
     * changing nothing, when the mark already is there (another replica claimed it) or the cache is unknown. A live
     * cache whose expiry is at or before {@code through} is closed at the same time: marked deleted at its expiry, as
     * Google has dropped it.
     */
    Optional<Stretch> advance(UUID cacheId, Instant through);

    /**
     * Caches with storage to charge at {@code now}, at most {@code limit}: those that ended (deleted, or expired by
     * {@code now}) with a stretch not yet charged, up to their end; and live ones charged last {@code interval} or
     * longer ago, up to {@code now}.
     */
    List<Due> due(Instant now, Duration interval, int limit);

    /** A cache and the end of the stretch to charge now (its deletion, its expiry, or now). */
    record Due(CacheStorage cache, Instant billedThrough, Instant end) {
        public Due {
            if (cache == null || billedThrough == null || end == null) {
                throw new IllegalArgumentException("a cache, its mark and the end of the stretch are required");
            }
        }
    }

    /** A stretch of a cache's storage, {@code from} (inclusive) to {@code to}, claimed for one charge. */
    record Stretch(Instant from, Instant to) {
        public Stretch {
            if (from == null || to == null || !to.isAfter(from)) {
                throw new IllegalArgumentException("a stretch ends after it starts");
            }
        }
    }
}
