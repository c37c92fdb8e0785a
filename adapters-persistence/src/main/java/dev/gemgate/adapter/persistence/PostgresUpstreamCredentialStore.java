package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.StoredCredential;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import dev.gemgate.domain.upstream.UpstreamCredentialStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@link UpstreamCredentialStore} on the {@code upstream_credentials} table (V19), secrets sealed by an
 * {@link AesGcmSecretBox} with the credential id as associated data. Each call is one statement through
 * {@link DatabaseGuard} (an outage is a 503, never a 500). {@link #loadAll()} opens every secret; when some do not open
 * it fails as a whole with one message naming those credentials and the key fingerprints involved (never a key, never
 * a secret), so that a start with the wrong master key says what to fix.
 *
 * <p>Not a CDI bean by itself: the application wires it with the master key (see the app's
 * {@code CredentialVaultWiring}).
 */
public class PostgresUpstreamCredentialStore implements UpstreamCredentialStore {
    private static final String ENTRY_COLUMNS = "id, mode, source, weight, status, base_url, vertex_project, "
            + "vertex_location, created_at, updated_at";
    private static final String LOAD_ALL = "SELECT " + ENTRY_COLUMNS
            + ", secret_ciphertext, master_key_id FROM upstream_credentials ORDER BY id";
    private static final String FIND = "SELECT " + ENTRY_COLUMNS + " FROM upstream_credentials WHERE id = ?";
    private static final String INSERT = "INSERT INTO upstream_credentials (" + ENTRY_COLUMNS
            + ", secret_ciphertext, master_key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Inserts the configured credential, or takes the configuration's mode and base URL into its existing row. */
    private static final String REGISTER_CONFIGURED = "INSERT INTO upstream_credentials (" + ENTRY_COLUMNS
            + ", secret_ciphertext, master_key_id) VALUES (?, ?, 'CONFIGURATION', 1, 'ACTIVE', ?, NULL, NULL, ?, ?, "
            + "NULL, NULL) ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, base_url = excluded.base_url, "
            + "updated_at = CASE WHEN upstream_credentials.mode = excluded.mode AND upstream_credentials.base_url IS "
            + "NOT DISTINCT FROM excluded.base_url THEN upstream_credentials.updated_at ELSE GREATEST("
            + "upstream_credentials.created_at, excluded.updated_at) END "
            + "WHERE upstream_credentials.source = 'CONFIGURATION' RETURNING " + ENTRY_COLUMNS;
    private static final String UPDATE = "UPDATE upstream_credentials SET status = COALESCE(?, status), "
            + "weight = COALESCE(?, weight), updated_at = GREATEST(created_at, ?) WHERE id = ? RETURNING "
            + ENTRY_COLUMNS;
    private static final String DELETE = "DELETE FROM upstream_credentials WHERE id = ?";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final DatabaseGuard guard;
    private final AesGcmSecretBox box;

    public PostgresUpstreamCredentialStore(DataSource dataSource, DatabaseGuard guard, AesGcmSecretBox box) {
        this.dataSource = dataSource;
        this.guard = guard;
        this.box = box;
    }

    @Override
    public List<StoredCredential> loadAll() {
        List<StoredCredential> all = guard.call(this::readAll);
        return all;
    }

    private List<StoredCredential> readAll() {
        List<StoredCredential> credentials = new ArrayList<>();
        TreeSet<String> wrongKey = new TreeSet<>();
        TreeSet<String> damaged = new TreeSet<>();
        TreeSet<String> foreignKeyIds = new TreeSet<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(LOAD_ALL);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                CredentialEntry entry = entry(rows);
                byte[] sealed = rows.getBytes(11);
                if (sealed == null) {
                    credentials.add(new StoredCredential(entry, Optional.empty()));
                    continue;
                }
                String sealedKeyId = rows.getString(12);
                try {
                    credentials.add(new StoredCredential(entry,
                            Optional.of(box.open(sealed, entry.id().value(), sealedKeyId))));
                } catch (AesGcmSecretBox.CannotOpenException e) {
                    if (e.wrongKey()) {
                        wrongKey.add(entry.id().value());
                        foreignKeyIds.add(String.valueOf(sealedKeyId));
                    } else {
                        damaged.add(entry.id().value());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the upstream credentials failed", e);
        }
        if (!wrongKey.isEmpty() || !damaged.isEmpty()) {
            throw new IllegalStateException(cannotDecrypt(wrongKey, foreignKeyIds, damaged));
        }
        return credentials;
    }

    private String cannotDecrypt(TreeSet<String> wrongKey, TreeSet<String> foreignKeyIds, TreeSet<String> damaged) {
        StringBuilder message = new StringBuilder("Cannot decrypt upstream credentials:");
        if (!wrongKey.isEmpty()) {
            message.append(" ").append(String.join(", ", wrongKey)).append(" were encrypted with master key ")
                    .append(String.join(", ", foreignKeyIds)).append(" but this instance's master key is ")
                    .append(box.keyId()).append(" (gemgate.vault.master-key / GEMGATE_VAULT_MASTER_KEY or "
                            + "gemgate.vault.master-key-file must be the key they were added with, the same on "
                            + "every replica).");
        }
        if (!damaged.isEmpty()) {
            message.append(" ").append(String.join(", ", damaged)).append(" have a ciphertext that fails "
                    + "authentication (altered or copied from another row): delete and add them again.");
        }
        return message.toString();
    }

    @Override
    public Optional<CredentialEntry> find(UpstreamCredentialId id) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(FIND)) {
                statement.setString(1, id.value());
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(entry(rows)) : Optional.<CredentialEntry>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading upstream credential " + id + " failed", e);
            }
        });
    }

    @Override
    public CredentialEntry add(UpstreamCredential credential, int weight, Instant now) {
        Instant at = Timestamps.toDatabase(now);
        CredentialEntry entry = new CredentialEntry(credential.id(), credential.mode(), CredentialSource.ADMIN, weight,
                CredentialStatus.ACTIVE, credential.baseUrl(), credential.vertexProject(), credential.vertexLocation(),
                at, at);
        byte[] sealed = box.seal(credential.secret(), credential.id().value());
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(INSERT)) {
                statement.setString(1, entry.id().value());
                statement.setString(2, entry.mode().name());
                statement.setString(3, entry.source().name());
                statement.setInt(4, entry.weight());
                statement.setString(5, entry.status().name());
                statement.setString(6, entry.baseUrl().orElse(null));
                statement.setString(7, entry.vertexProject().orElse(null));
                statement.setString(8, entry.vertexLocation().orElse(null));
                statement.setTimestamp(9, Timestamp.from(at));
                statement.setTimestamp(10, Timestamp.from(at));
                statement.setBytes(11, sealed);
                statement.setString(12, box.keyId());
                statement.executeUpdate();
                return entry;
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new ConflictException("An upstream credential " + entry.id() + " exists already.");
                }
                throw new IllegalStateException("adding upstream credential " + entry.id() + " failed", e);
            }
        });
    }

    @Override
    public CredentialEntry registerConfigured(UpstreamCredentialId id, UpstreamCredential.Mode mode,
                                              Optional<String> baseUrl, Instant now) {
        Timestamp at = Timestamp.from(Timestamps.toDatabase(now));
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(REGISTER_CONFIGURED)) {
                statement.setString(1, id.value());
                statement.setString(2, mode.name());
                statement.setString(3, baseUrl.orElse(null));
                statement.setTimestamp(4, at);
                statement.setTimestamp(5, at);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        throw new ConflictException("The configured upstream credential's id " + id + " is taken by "
                                + "a credential added through the admin API.");
                    }
                    return entry(rows);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("registering the configured upstream credential " + id + " failed",
                        e);
            }
        });
    }

    @Override
    public Optional<CredentialEntry> update(UpstreamCredentialId id, Optional<CredentialStatus> status,
                                            Optional<Integer> weight, Instant now) {
        weight.ifPresent(w -> {
            if (w < 1 || w > CredentialEntry.MAX_WEIGHT) {
                throw new IllegalArgumentException("a credential's weight is from 1 to " + CredentialEntry.MAX_WEIGHT);
            }
        });
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(UPDATE)) {
                statement.setString(1, status.map(Enum::name).orElse(null));
                statement.setObject(2, weight.orElse(null), java.sql.Types.INTEGER);
                statement.setTimestamp(3, Timestamp.from(Timestamps.toDatabase(now)));
                statement.setString(4, id.value());
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(entry(rows)) : Optional.<CredentialEntry>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("updating upstream credential " + id + " failed", e);
            }
        });
    }

    @Override
    public boolean delete(UpstreamCredentialId id) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(DELETE)) {
                statement.setString(1, id.value());
                return statement.executeUpdate() > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("deleting upstream credential " + id + " failed", e);
            }
        });
    }

    /** Columns in {@link #ENTRY_COLUMNS} order, from 1. */
    private static CredentialEntry entry(ResultSet row) throws SQLException {
        return new CredentialEntry(new UpstreamCredentialId(row.getString(1)),
                UpstreamCredential.Mode.valueOf(row.getString(2)), CredentialSource.valueOf(row.getString(3)),
                row.getInt(4), CredentialStatus.valueOf(row.getString(5)), Optional.ofNullable(row.getString(6)),
                Optional.ofNullable(row.getString(7)), Optional.ofNullable(row.getString(8)),
                row.getTimestamp(9).toInstant(), row.getTimestamp(10).toInstant());
    }
}
