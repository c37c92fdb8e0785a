package dev.gemgate.domain.tenant;

import java.util.Optional;

/**
 * Port: the hot-path lookup of a presented key, by its hash. Apart from {@link ApiKeyRepository} (admin writes) so an
 * adapter can keep this one path cached and guarded. Throws {@code ServiceUnavailableException} when the store is
 * unreachable and the answer is not known otherwise.
 */
public interface KeyGrantLookup {
    /** The answer of a lookup that did not need to block: the grant, or the knowledge that there is none. */
    record Remembered(Optional<KeyGrant> grant) {
        public Remembered {
            if (grant == null) {
                throw new IllegalArgumentException("grant is required (may be empty)");
            }
        }
    }

    Optional<KeyGrant> findByHash(String hash);

    /**
     * The answer if it is at hand without blocking (remembered from an earlier lookup), else empty: then only
     * {@link #findByHash} can tell, off the event loop.
     */
    default Optional<Remembered> findRemembered(String hash) {
        return Optional.empty();
    }

    /**
     * Drops whatever is remembered about {@code hash}, so that a change made by an administrator (revocation, scopes,
     * suspension) takes effect on this instance at once; other instances see it within their cache's lifetime.
     */
    default void forget(String hash) {
    }
}
