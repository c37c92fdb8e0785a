package dev.gemgate.domain.fakes;

import dev.gemgate.domain.upstream.SingleCredentialVault;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.util.Optional;

/** The upstream vault of use-case tests: one fake API key. */
public final class FixedUpstreamKeyVault {
    private FixedUpstreamKeyVault() {
    }

    public static UpstreamKeyVault withTestKey() {
        return new SingleCredentialVault(
                UpstreamCredential.apiKey(new UpstreamCredentialId("test"), "upstream-test-key", Optional.empty()));
    }
}
