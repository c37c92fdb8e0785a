package dev.gemgate.domain.fakes;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.util.List;
import java.util.Optional;

public final class FixedUpstreamKeyVault implements UpstreamKeyVault {
    private final UpstreamCredential credential;

    public FixedUpstreamKeyVault(UpstreamCredential credential) {
        this.credential = credential;
    }

    public static FixedUpstreamKeyVault withTestKey() {
        return new FixedUpstreamKeyVault(
                UpstreamCredential.apiKey(new UpstreamCredentialId("test"), "upstream-test-key", Optional.empty()));
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
