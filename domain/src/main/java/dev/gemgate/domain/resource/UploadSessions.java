package dev.gemgate.domain.resource;

import java.time.Instant;
import java.util.Optional;

/**
 * Port: the resumable uploads in progress, shared by every replica (a chunk may reach any of them). A session is found
 * by its token's hash only while it is open: neither finished nor expired.
 */
public interface UploadSessions {
    void create(UploadSession session);

    /** The open session of {@code tokenHash} at {@code now}; empty when unknown, finished or expired. */
    Optional<UploadSession> find(String tokenHash, Instant now);

    /**
     * Moves the open session's received bytes from {@code from} to {@code to}; false (nothing changed) when it is no
     * longer open or another chunk moved it first.
     */
    boolean advance(String tokenHash, long from, long to, Instant now);

    /** Closes the session for good (its upload finalized, or failed for good). */
    void finish(String tokenHash, Instant now);
}
