package dev.gemgate.app;

import dev.gemgate.domain.upstream.UpstreamCredential;

/** The credential this deployment is configured with (see {@link UpstreamProducers#configured}). */
public record ConfiguredUpstream(UpstreamCredential credential) {
    public ConfiguredUpstream {
        if (credential == null) {
            throw new IllegalArgumentException("a credential is required");
        }
    }
}
