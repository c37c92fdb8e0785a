package dev.gemgate.domain.fakes;

import dev.gemgate.domain.resource.UploadSession;
import dev.gemgate.domain.resource.UploadSessions;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The upload sessions in memory, with the rules of {@code PostgresUploadSessions}. */
public final class InMemoryUploadSessions implements UploadSessions {
    private final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();

    @Override
    public void create(UploadSession session) {
        if (sessions.putIfAbsent(session.tokenHash(), session) != null) {
            throw new IllegalStateException("an upload session of that token exists");
        }
    }

    @Override
    public Optional<UploadSession> find(String tokenHash, Instant now) {
        return Optional.ofNullable(sessions.get(tokenHash))
                .filter(s -> !finished.contains(tokenHash) && now.isBefore(s.expiresAt()));
    }

    @Override
    public synchronized boolean advance(String tokenHash, long from, long to, Instant now) {
        Optional<UploadSession> open = find(tokenHash, now);
        if (open.isEmpty() || open.get().receivedBytes() != from) {
            return false;
        }
        sessions.put(tokenHash, open.get().withReceivedBytes(to));
        return true;
    }

    @Override
    public void finish(String tokenHash, Instant now) {
        finished.add(tokenHash);
    }

    /** Every session ever created, finished or not. */
    public Set<UploadSession> all() {
        return new HashSet<>(sessions.values());
    }
}
