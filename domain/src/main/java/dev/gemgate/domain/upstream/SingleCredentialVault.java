package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;

import java.util.List;

/**
 * A vault of exactly one credential, used for every model: the configured key of a single-credential deployment, and
 * the test vault. The pool with weighted selection, health and rotation is a different implementation of the port.
 */
public final class SingleCredentialVault implements UpstreamKeyVault {
    private final UpstreamCredential credential;

    public SingleCredentialVault(UpstreamCredential credential) {
        if (credential == null) {
            throw new IllegalArgumentException("a credential is required");
        }
        this.credential = credential;
    }

    @Override
    public UpstreamCredential select(ModelId model) {
        return credential;
    }

    @Override
    public List<UpstreamCredential> all() {
        return List.of(credential);
    }
}
