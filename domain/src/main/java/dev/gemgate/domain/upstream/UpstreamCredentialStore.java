package dev.gemgate.domain.upstream;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: the upstream credential pool, shared by every replica. Secrets are encrypted at rest by the implementation
 * (AES-GCM under the deployment's master key) and decrypted only by {@link #loadAll()}; nothing else returns them.
 */
public interface UpstreamCredentialStore {
    /** Every credential, secrets decrypted, in id order. */
    List<StoredCredential> loadAll();

    /** The credential's entry (no secret), if it exists. */
    Optional<CredentialEntry> find(UpstreamCredentialId id);

    /**
     * Adds an {@link CredentialSource#ADMIN} credential, ACTIVE, its secret encrypted.
     *
     * @throws dev.gemgate.domain.common.ConflictException when the id is taken
     */
    CredentialEntry add(UpstreamCredential credential, int weight, Instant now);

    /**
     * Makes sure the configured credential has its row (ACTIVE with weight 1 the first time; an existing row keeps its
     * status and weight, and takes {@code mode} and {@code baseUrl}). No secret is stored.
     */
    CredentialEntry registerConfigured(UpstreamCredentialId id, UpstreamCredential.Mode mode,
                                       Optional<String> baseUrl, Instant now);

    /** Sets the status and/or the weight; empty when there is no such credential. */
    Optional<CredentialEntry> update(UpstreamCredentialId id, Optional<CredentialStatus> status,
                                     Optional<Integer> weight, Instant now);

    /** Deletes the credential (its secret with it); false when there was none. */
    boolean delete(UpstreamCredentialId id);
}
