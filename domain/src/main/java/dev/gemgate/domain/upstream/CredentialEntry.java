package dev.gemgate.domain.upstream;

import java.time.Instant;
import java.util.Optional;

/**
 * What may be shown of one pool credential: everything but its secret (lists, audit, the portal).
 *
 * @param weight the share of new calls it gets among the usable credentials (1 to 1000)
 */
public record CredentialEntry(UpstreamCredentialId id, UpstreamCredential.Mode mode, CredentialSource source, int weight,
                              CredentialStatus status, Optional<String> baseUrl, Optional<String> vertexProject,
                              Optional<String> vertexLocation, Instant createdAt, Instant updatedAt) {
    public static final int MAX_WEIGHT = 1000;

    public CredentialEntry {
        if (id == null || mode == null || source == null || status == null || baseUrl == null || vertexProject == null
                || vertexLocation == null || createdAt == null || updatedAt == null) {
            throw new IllegalArgumentException("credential entry fields are required (use Optional.empty)");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("a credential's weight is from 1 to " + MAX_WEIGHT + ": " + weight);
        }
    }
}
