package dev.gemgate.app;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.util.List;

/**
 * The upstream credential from configuration (one key or one Vertex project). The credential pool with encryption
 * at rest and rotation belongs to the resilience issue; this keeps the port's seam in place until then.
 */
public final class ConfiguredUpstreamKeyVault implements UpstreamKeyVault {
    private final UpstreamCredential credential;

    public ConfiguredUpstreamKeyVault(UpstreamCredential credential) {
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
