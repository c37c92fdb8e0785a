package dev.gemgate.adapter.persistence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.KeyGrantLookup;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot-path key lookup with an in-memory L1 in front of PostgreSQL: Caffeine (bounded, W-TinyLFU) remembers each
 * answer for {@code ttl}, so a revocation reaches every replica within it, and valid keys keep working for that long
 * while the database is down. Known keys and unknown hashes live in two separate caches, so a flood of made-up keys
 * can only evict other made-up keys, never a tenant's real one; unknown hashes are remembered briefly (at most
 * {@code unknownTtl}) so that a key issued a moment ago is not refused for long. Lookups that miss go through the
 * {@link DatabaseGuard}; concurrent misses of one hash share one query (a burst of a key's first requests on a fresh
 * replica would otherwise take every connection of the pool at once). A zero {@code ttl} remembers nothing.
 */
public final class CachedKeyGrantLookup implements KeyGrantLookup {
    private final KeyGrantLookup store;
    private final DatabaseGuard guard;
    private final Cache<String, KeyGrant> known;
    private final Cache<String, Boolean> unknown;
    private final boolean enabled;
    /** Lookups under way, by hash: concurrent misses of one key (a burst of its first requests) share one query. */
    private final Map<String, CompletableFuture<Optional<KeyGrant>>> loading = new ConcurrentHashMap<>();

    public CachedKeyGrantLookup(KeyGrantLookup store, DatabaseGuard guard, Clock clock, Duration ttl,
                                long maxKnown, Duration unknownTtl, long maxUnknown) {
        this.store = store;
        this.guard = guard;
        this.enabled = !ttl.isZero();
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        this.known = Caffeine.newBuilder().ticker(ticker).maximumSize(maxKnown).expireAfterWrite(ttl).build();
        this.unknown = Caffeine.newBuilder().ticker(ticker).maximumSize(maxUnknown)
                .expireAfterWrite(ttl.compareTo(unknownTtl) < 0 ? ttl : unknownTtl).build();
    }

    @Override
    public Optional<Remembered> findRemembered(String hash) {
        if (!enabled) {
            return Optional.empty();
        }
        KeyGrant grant = known.getIfPresent(hash);
        if (grant != null) {
            return Optional.of(new Remembered(Optional.of(grant)));
        }
        return unknown.getIfPresent(hash) != null ? Optional.of(new Remembered(Optional.empty())) : Optional.empty();
    }

    @Override
    public Optional<KeyGrant> findByHash(String hash) {
        Optional<Remembered> remembered = findRemembered(hash);
        if (remembered.isPresent()) {
            return remembered.get().grant();
        }
        CompletableFuture<Optional<KeyGrant>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<KeyGrant>> running = loading.putIfAbsent(hash, mine);
        if (running != null) {
            return Futures.await(running);
        }
        try {
            // a lookup that finished between the miss above and this one's start has remembered the answer
            Optional<Remembered> meanwhile = findRemembered(hash);
            Optional<KeyGrant> found = meanwhile.isPresent() ? meanwhile.get().grant()
                    : guard.call(() -> store.findByHash(hash));
            if (enabled) {
                found.ifPresentOrElse(grant -> known.put(hash, grant), () -> unknown.put(hash, Boolean.TRUE));
            }
            mine.complete(found);
            return found;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(hash, mine);
        }
    }

    /**
     * Drops what this instance remembers about {@code hash}: an admin change (revocation, scopes, suspension) made
     * through this instance takes effect here at once; other replicas see it within {@code ttl}.
     */
    @Override
    public void forget(String hash) {
        known.invalidate(hash);
        unknown.invalidate(hash);
    }

    /** Known keys currently remembered (approximate; for tests and the portal). */
    public long knownSize() {
        known.cleanUp();
        return known.estimatedSize();
    }
}
