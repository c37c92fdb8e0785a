package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.UploadSession;
import dev.gemgate.domain.resource.UploadSessions;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link UploadSessions} on {@code upload_sessions} (V25), plain JDBC through {@link DatabaseGuard} (an outage is a
 * 503). One statement per call; {@link #advance} is a compare-and-set on the received bytes, so two replicas handling
 * chunks of one upload at once cannot both move it. Time is the caller's.
 */
@ApplicationScoped
public class PostgresUploadSessions implements UploadSessions {
    private static final String INSERT = "INSERT INTO upload_sessions (token_hash, tenant_id, api_key_id, "
            + "credential_id, upstream_url, received_bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT token_hash, tenant_id, api_key_id, credential_id, upstream_url, "
            + "received_bytes, created_at, expires_at FROM upload_sessions WHERE token_hash = ? "
            + "AND finished_at IS NULL AND expires_at > ?";
    private static final String ADVANCE = "UPDATE upload_sessions SET received_bytes = ? WHERE token_hash = ? "
            + "AND received_bytes = ? AND finished_at IS NULL AND expires_at > ?";
    private static final String FINISH = "UPDATE upload_sessions SET finished_at = GREATEST(created_at, ?) "
            + "WHERE token_hash = ? AND finished_at IS NULL";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresUploadSessions(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public void create(UploadSession s) {
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, s.tokenHash());
                insert.setObject(2, s.tenant().value());
                insert.setObject(3, s.apiKey().value());
                insert.setString(4, s.credential().value());
                insert.setString(5, s.upstreamUrl().value());
                insert.setLong(6, s.receivedBytes());
                insert.setObject(7, at(s.createdAt()));
                insert.setObject(8, at(s.expiresAt()));
                insert.executeUpdate();
                return null;
            } catch (SQLException e) {
                // a constraint's message quotes the row, upload URL included: keep it out of every log
                throw String.valueOf(e.getSQLState()).startsWith("23")
                        ? new IllegalStateException("recording an upload session failed: " + e.getSQLState())
                        : new IllegalStateException("recording an upload session failed: " + e.getSQLState(), e);
            }
        });
    }

    @Override
    public Optional<UploadSession> find(String tokenHash, Instant now) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement find = connection.prepareStatement(FIND)) {
                find.setString(1, tokenHash);
                find.setObject(2, at(now));
                try (ResultSet r = find.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<UploadSession>empty();
                    }
                    return Optional.of(new UploadSession(r.getString(1), new TenantId(r.getObject(2, UUID.class)),
                            new ApiKeyId(r.getObject(3, UUID.class)), new UpstreamCredentialId(r.getString(4)),
                            new FilesPort.UpstreamUploadUrl(r.getString(5)), r.getLong(6),
                            r.getObject(7, OffsetDateTime.class).toInstant(),
                            r.getObject(8, OffsetDateTime.class).toInstant()));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading an upload session failed: " + e.getSQLState(), e);
            }
        });
    }

    @Override
    public boolean advance(String tokenHash, long from, long to, Instant now) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement advance = connection.prepareStatement(ADVANCE)) {
                advance.setLong(1, to);
                advance.setString(2, tokenHash);
                advance.setLong(3, from);
                advance.setObject(4, at(now));
                return advance.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new IllegalStateException("advancing an upload session failed: " + e.getSQLState(), e);
            }
        });
    }

    @Override
    public void finish(String tokenHash, Instant now) {
        guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement finish = connection.prepareStatement(FINISH)) {
                finish.setObject(1, at(now));
                finish.setString(2, tokenHash);
                finish.executeUpdate();
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("finishing an upload session failed: " + e.getSQLState(), e);
            }
        });
    }

    private static OffsetDateTime at(Instant instant) {
        return Timestamps.toDatabase(instant).atOffset(ZoneOffset.UTC);
    }
}
