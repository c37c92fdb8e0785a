package dev.gemgate.application.upstream;

import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.StoredCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

import java.util.List;

/** The pool's credentials in id order, as stored (every replica's view), without their secrets. A read: not audited. */
public final class ListUpstreamCredentials {
    private final UpstreamCredentialStore store;

    public ListUpstreamCredentials(UpstreamCredentialStore store) {
        this.store = store;
    }

    public List<CredentialEntry> execute() {
        return store.loadAll().stream().map(StoredCredential::entry).toList();
    }
}
