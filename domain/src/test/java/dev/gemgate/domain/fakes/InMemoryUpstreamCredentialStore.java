package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.StoredCredential;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** The credential pool's store of tests: in memory, secrets in the clear. */
public final class InMemoryUpstreamCredentialStore implements UpstreamCredentialStore {
    private final TreeMap<String, StoredCredential> rows = new TreeMap<>();
    public volatile boolean failing;

    @Override
    public synchronized List<StoredCredential> loadAll() {
        if (failing) {
            throw new IllegalStateException("the store is down");
        }
        return List.copyOf(rows.values());
    }

    @Override
    public synchronized Optional<CredentialEntry> find(UpstreamCredentialId id) {
        return Optional.ofNullable(rows.get(id.value())).map(StoredCredential::entry);
    }

    @Override
    public synchronized CredentialEntry add(UpstreamCredential credential, int weight, Instant now) {
        if (rows.containsKey(credential.id().value())) {
            throw new ConflictException("upstream credential " + credential.id() + " already exists");
        }
        CredentialEntry entry = new CredentialEntry(credential.id(), credential.mode(), CredentialSource.ADMIN, weight,
                CredentialStatus.ACTIVE, credential.baseUrl(), credential.vertexProject(),
                credential.vertexLocation(), now, now);
        rows.put(credential.id().value(), new StoredCredential(entry, Optional.of(credential.secret())));
        return entry;
    }

    @Override
    public synchronized CredentialEntry registerConfigured(UpstreamCredentialId id, UpstreamCredential.Mode mode,
                                                           Optional<String> baseUrl, Instant now) {
        StoredCredential existing = rows.get(id.value());
        CredentialEntry entry = existing == null
                ? new CredentialEntry(id, mode, CredentialSource.CONFIGURATION, 1, CredentialStatus.ACTIVE, baseUrl,
                Optional.empty(), Optional.empty(), now, now)
                : new CredentialEntry(id, mode, CredentialSource.CONFIGURATION, existing.entry().weight(),
                existing.entry().status(), baseUrl, Optional.empty(), Optional.empty(), existing.entry().createdAt(),
                now);
        rows.put(id.value(), new StoredCredential(entry, Optional.empty()));
        return entry;
    }

    @Override
    public synchronized Optional<CredentialEntry> update(UpstreamCredentialId id, Optional<CredentialStatus> status,
                                                         Optional<Integer> weight, Instant now) {
        StoredCredential existing = rows.get(id.value());
        if (existing == null) {
            return Optional.empty();
        }
        CredentialEntry e = existing.entry();
        CredentialEntry changed = new CredentialEntry(e.id(), e.mode(), e.source(), weight.orElse(e.weight()),
                status.orElse(e.status()), e.baseUrl(), e.vertexProject(), e.vertexLocation(), e.createdAt(), now);
        rows.put(id.value(), new StoredCredential(changed, existing.secret()));
        return Optional.of(changed);
    }

    @Override
    public synchronized boolean delete(UpstreamCredentialId id) {
        return rows.remove(id.value()) != null;
    }
}
