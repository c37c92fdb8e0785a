package dev.gemgate.application.upstream;

import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

/** One credential of the pool, without its secret (404 when there is none). A read: not audited. */
public final class GetUpstreamCredential {
    private final UpstreamCredentialStore store;

    public GetUpstreamCredential(UpstreamCredentialStore store) {
        this.store = store;
    }

    public CredentialEntry execute(UpstreamCredentialId id) {
        return existing(store, id);
    }

    static CredentialEntry existing(UpstreamCredentialStore store, UpstreamCredentialId id) {
        return store.find(id).orElseThrow(() -> new NotFoundException("No upstream credential " + id + "."));
    }
}
