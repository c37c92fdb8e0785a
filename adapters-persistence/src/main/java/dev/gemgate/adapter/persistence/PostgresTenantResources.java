package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourcePage;
import dev.gemgate.domain.resource.ResourcePageToken;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UpstreamResourceName;
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
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * {@link TenantResources} on {@code tenant_resources} (V23), plain JDBC through {@link DatabaseGuard} (an outage is a
 * 503, never a 500). Every statement names the tenant in its {@code WHERE}, so another tenant's row is never read or
 * written. find, list, update and delete are one statement each; record is one transaction: it marks deleted (at
 * their expiry) the live rows Google has dropped by now that would block the new one, then inserts it; a live,
 * unexpired row in the way fails the insert on one of the two partial unique indexes and is a
 * {@link ConflictException}. Time is the caller's; the database's clock is never read.
 */
@ApplicationScoped
public class PostgresTenantResources implements TenantResources {
    private static final String COLUMNS = "id, kind, upstream_name, tenant_id, api_key_id, credential_id, model, "
            + "size_bytes, token_count, request_count, state, expire_time, reserved_micros, settled_micros, "
            + "created_at, updated_at, deleted_at, description";
    private static final String INSERT = "INSERT INTO tenant_resources (" + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)";
    /** Live rows in the new one's way (same name and credential, or same tenant and name) that have expired by now. */
    private static final String CLOSE_EXPIRED = "UPDATE tenant_resources SET deleted_at = GREATEST(created_at, "
            + "expire_time), updated_at = GREATEST(updated_at, expire_time) WHERE kind = ? AND upstream_name = ? "
            + "AND deleted_at IS NULL AND expire_time <= ? AND (credential_id = ? OR tenant_id = ?)";
    private static final String LIVE_OF_TENANT = " WHERE tenant_id = ? AND kind = ? AND upstream_name = ? "
            + "AND deleted_at IS NULL";
    private static final String FIND = "SELECT " + COLUMNS + " FROM tenant_resources" + LIVE_OF_TENANT;
    private static final String UPDATE = "UPDATE tenant_resources SET state = COALESCE(?, state), "
            + "expire_time = COALESCE(?, expire_time), size_bytes = COALESCE(?, size_bytes), "
            + "token_count = COALESCE(?, token_count), request_count = COALESCE(?, request_count), "
            + "reserved_micros = COALESCE(?, reserved_micros), settled_micros = COALESCE(?, settled_micros), "
            + "description = COALESCE(?, description), updated_at = GREATEST(updated_at, ?)" + LIVE_OF_TENANT
            + " RETURNING " + COLUMNS;
    private static final String DELETE = "UPDATE tenant_resources SET deleted_at = GREATEST(created_at, ?), "
            + "updated_at = GREATEST(updated_at, ?)" + LIVE_OF_TENANT + " RETURNING " + COLUMNS;
    private static final String LIST_FIRST = "SELECT " + COLUMNS + " FROM tenant_resources WHERE tenant_id = ? "
            + "AND kind = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?";
    private static final String LIST_AFTER = "SELECT " + COLUMNS + " FROM tenant_resources WHERE tenant_id = ? "
            + "AND kind = ? AND deleted_at IS NULL AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC "
            + "LIMIT ?";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresTenantResources(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public TenantResource record(TenantResource r) {
        if (r.deleted()) {
            throw new IllegalArgumentException("a resource is recorded live (deletedAt empty)");
        }
        Instant created = Timestamps.toDatabase(r.createdAt());
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    try (PreparedStatement close = connection.prepareStatement(CLOSE_EXPIRED)) {
                        close.setString(1, r.kind().name());
                        close.setString(2, r.name().value());
                        close.setObject(3, at(created));
                        close.setString(4, r.credential().value());
                        close.setObject(5, r.tenant().value());
                        close.executeUpdate();
                    }
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        insert.setObject(1, r.id());
                        insert.setString(2, r.kind().name());
                        insert.setString(3, r.name().value());
                        insert.setObject(4, r.tenant().value());
                        insert.setObject(5, r.apiKey().value());
                        insert.setString(6, r.credential().value());
                        insert.setString(7, r.model().map(ModelId::value).orElse(null));
                        bindLong(insert, 8, r.sizeBytes());
                        bindLong(insert, 9, r.tokenCount());
                        bindLong(insert, 10, r.requestCount());
                        insert.setString(11, r.state());
                        insert.setObject(12, r.expireTime().map(PostgresTenantResources::at).orElse(null),
                                Types.TIMESTAMP_WITH_TIMEZONE);
                        insert.setLong(13, r.reserved().micros());
                        insert.setLong(14, r.settled().micros());
                        insert.setObject(15, at(created));
                        insert.setObject(16, at(r.updatedAt()));
                        insert.setString(17, r.description());
                        insert.executeUpdate();
                    }
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
                return read(connection, r.tenant(), r.name()).orElseThrow();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    // never names the tenant holding it: the caller may not be allowed to know
                    throw new ConflictException("A live " + r.kind() + " " + r.name() + " is recorded already"
                            + (String.valueOf(e.getMessage()).contains("tenant_resources_live_by_tenant")
                            ? " for this tenant." : " under upstream credential " + r.credential() + "."));
                }
                throw new IllegalStateException("recording " + r.kind() + " " + r.name() + " failed", e);
            }
        });
    }

    @Override
    public Optional<TenantResource> find(TenantId tenant, UpstreamResourceName name) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return read(connection, tenant, name);
            } catch (SQLException e) {
                throw new IllegalStateException("reading " + name + " failed", e);
            }
        });
    }

    private static Optional<TenantResource> read(Connection connection, TenantId tenant, UpstreamResourceName name)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND)) {
            bindLiveOfTenant(statement, 1, tenant, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(resource(rows)) : Optional.empty();
            }
        }
    }

    @Override
    public ResourcePage list(TenantId tenant, ResourceKind kind, int pageSize, Optional<String> pageToken) {
        if (tenant == null || kind == null || pageToken == null) {
            throw new IllegalArgumentException("tenant, kind and page token (Optional.empty) are required");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("1 <= pageSize <= " + MAX_PAGE_SIZE);
        }
        Optional<ResourcePageToken> after = pageToken.map(ResourcePageToken::decode);
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(after.isEmpty() ? LIST_FIRST
                         : LIST_AFTER)) {
                int i = 1;
                statement.setObject(i++, tenant.value());
                statement.setString(i++, kind.name());
                if (after.isPresent()) {
                    statement.setObject(i++, at(after.get().createdAt()));
                    statement.setObject(i++, after.get().id());
                }
                statement.setInt(i, pageSize + 1);
                List<TenantResource> found = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(resource(rows));
                    }
                }
                if (found.size() <= pageSize) {
                    return new ResourcePage(found, Optional.empty());
                }
                List<TenantResource> page = found.subList(0, pageSize);
                return new ResourcePage(page, Optional.of(ResourcePageToken.after(page.getLast()).encode()));
            } catch (SQLException e) {
                throw new IllegalStateException("listing " + kind + " resources failed", e);
            }
        });
    }

    @Override
    public Optional<TenantResource> update(TenantId tenant, UpstreamResourceName name, ResourceUpdate update,
                                           Instant now) {
        update.checkApplies(name.kind());
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(UPDATE)) {
                statement.setString(1, update.state().orElse(null));
                statement.setObject(2, update.expireTime().map(PostgresTenantResources::at).orElse(null),
                        Types.TIMESTAMP_WITH_TIMEZONE);
                bindLong(statement, 3, update.sizeBytes());
                bindLong(statement, 4, update.tokenCount());
                bindLong(statement, 5, update.requestCount());
                bindLong(statement, 6, money(update.reserved()));
                bindLong(statement, 7, money(update.settled()));
                statement.setString(8, update.description().orElse(null));
                statement.setObject(9, at(now));
                bindLiveOfTenant(statement, 10, tenant, name);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(resource(rows)) : Optional.<TenantResource>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("updating " + name + " failed", e);
            }
        });
    }

    @Override
    public Optional<TenantResource> delete(TenantId tenant, UpstreamResourceName name, Instant now) {
        return guard.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(DELETE)) {
                statement.setObject(1, at(now));
                statement.setObject(2, at(now));
                bindLiveOfTenant(statement, 3, tenant, name);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(resource(rows)) : Optional.<TenantResource>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("deleting " + name + " failed", e);
            }
        });
    }

    private static void bindLiveOfTenant(PreparedStatement statement, int from, TenantId tenant,
                                         UpstreamResourceName name) throws SQLException {
        statement.setObject(from, tenant.value());
        statement.setString(from + 1, name.kind().name());
        statement.setString(from + 2, name.value());
    }

    private static OptionalLong money(Optional<Money> amount) {
        return amount.map(m -> OptionalLong.of(m.micros())).orElse(OptionalLong.empty());
    }

    private static void bindLong(PreparedStatement statement, int index, OptionalLong value) throws SQLException {
        if (value.isPresent()) {
            statement.setLong(index, value.getAsLong());
        } else {
            statement.setNull(index, Types.BIGINT);
        }
    }

    /** Columns in {@link #COLUMNS} order, from 1. */
    private static TenantResource resource(ResultSet row) throws SQLException {
        ResourceKind kind = ResourceKind.valueOf(row.getString(2));
        return new TenantResource(row.getObject(1, UUID.class), new UpstreamResourceName(kind, row.getString(3)),
                new TenantId(row.getObject(4, UUID.class)), new ApiKeyId(row.getObject(5, UUID.class)),
                new UpstreamCredentialId(row.getString(6)), Optional.ofNullable(row.getString(7)).map(ModelId::new),
                optionalLong(row, 8), optionalLong(row, 9), optionalLong(row, 10), row.getString(11),
                instant(row, 12), Money.ofMicros(row.getLong(13)), Money.ofMicros(row.getLong(14)),
                instant(row, 15).orElseThrow(), instant(row, 16).orElseThrow(), instant(row, 17),
                row.getString(18));
    }

    private static OptionalLong optionalLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static Optional<Instant> instant(ResultSet row, int column) throws SQLException {
        return Optional.ofNullable(row.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(Timestamps.toDatabase(instant), ZoneOffset.UTC);
    }
}
