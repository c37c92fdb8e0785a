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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** The upstream credential pool in memory (secrets kept in plain text: only the real store encrypts). */
public final class InMemoryUpstreamCredentialStore implements UpstreamCredentialStore {
    private final Map<String, StoredCredential> credentials = new ConcurrentSkipListMap<>();

    @Override
    public List<StoredCredential> loadAll() {
        return List.copyOf(credentials.values());
    }

    @Override
    public Optional<CredentialEntry> find(UpstreamCredentialId id) {
        return Optional.ofNullable(credentials.get(id.value())).map(StoredCredential::entry);
    }

    @Override
    public synchronized CredentialEntry add(UpstreamCredential credential, int weight, Instant now) {
        if (credentials.containsKey(credential.id().value())) {
            throw new ConflictException("An upstream credential " + credential.id() + " exists already.");
        }
        CredentialEntry entry = new CredentialEntry(credential.id(), credential.mode(), CredentialSource.ADMIN, weight,
                CredentialStatus.ACTIVE, credential.baseUrl(), credential.vertexProject(), credential.vertexLocation(),
                now, now);
        credentials.put(credential.id().value(), new StoredCredential(entry, Optional.of(credential.secret())));
        return entry;
    }

    @Override
    public synchronized CredentialEntry registerConfigured(UpstreamCredentialId id, UpstreamCredential.Mode mode,
                                                           Optional<String> baseUrl, Instant now) {
        StoredCredential existing = credentials.get(id.value());
        CredentialEntry entry;
        if (existing == null) {
            entry = new CredentialEntry(id, mode, CredentialSource.CONFIGURATION, 1, CredentialStatus.ACTIVE, baseUrl,
                    Optional.empty(), Optional.empty(), now, now);
        } else if (existing.entry().source() != CredentialSource.CONFIGURATION) {
            throw new ConflictException("The configured upstream credential's id " + id + " is taken.");
        } else {
            CredentialEntry e = existing.entry();
            entry = new CredentialEntry(id, mode, e.source(), e.weight(), e.status(), baseUrl, e.vertexProject(),
                    e.vertexLocation(), e.createdAt(), e.updatedAt());
        }
        credentials.put(id.value(), new StoredCredential(entry, Optional.empty()));
        return entry;
    }

    @Override
    public synchronized Optional<CredentialEntry> update(UpstreamCredentialId id, Optional<CredentialStatus> status,
                                                         Optional<Integer> weight, Instant now) {
        StoredCredential existing = credentials.get(id.value());
        if (existing == null) {
            return Optional.empty();
        }
        CredentialEntry e = existing.entry();
        CredentialEntry updated = new CredentialEntry(id, e.mode(), e.source(), weight.orElse(e.weight()),
                status.orElse(e.status()), e.baseUrl(), e.vertexProject(), e.vertexLocation(), e.createdAt(),
                now.isBefore(e.createdAt()) ? e.createdAt() : now);
        credentials.put(id.value(), new StoredCredential(updated, existing.secret()));
        return Optional.of(updated);
    }

    @Override
    public boolean delete(UpstreamCredentialId id) {
        return credentials.remove(id.value()) != null;
    }
}
