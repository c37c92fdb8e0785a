package dev.gemgate.domain.upstream;

import java.util.Optional;

/**
 * One pool credential as the store holds it, its secret decrypted: empty for a {@link CredentialSource#CONFIGURATION}
 * credential (its secret comes from the configuration, never from the store). The secret never appears in
 * {@link #toString()}.
 */
public record StoredCredential(CredentialEntry entry, Optional<String> secret) {
    public StoredCredential {
        if (entry == null || secret == null) {
            throw new IllegalArgumentException("the entry and the (possibly empty) secret are required");
        }
    }

    /** The credential to call Gemini with; only for an {@link CredentialSource#ADMIN} credential. */
    public UpstreamCredential credential() {
        return new UpstreamCredential(entry.id(), entry.mode(), secret.orElseThrow(() -> new IllegalStateException(
                "credential " + entry.id() + " keeps its secret in the configuration")), entry.baseUrl(),
                entry.vertexProject(), entry.vertexLocation());
    }

    @Override
    public String toString() {
        return "StoredCredential[" + entry + "]";
    }
}
