package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.resource.BatchJobs;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link BatchJobs} on {@code batch_jobs} (V27), plain JDBC through {@link DatabaseGuard} (an outage is a 503, never a
 * 500); one statement per method. A claim is one {@code UPDATE ... WHERE resource_id IN (SELECT ... FOR UPDATE SKIP
 * LOCKED) RETURNING}: two replicas claiming at once lock disjoint rows, and a row another replica leased and committed
 * meanwhile is re-checked against the lease condition (PostgreSQL re-evaluates the locked row's newest version), so it
 * is never leased twice. Settlement is marked by a conditional {@code UPDATE ... WHERE settled_at IS NULL}: one caller
 * changes the row, every other gets false. Time is the caller's; the database's clock is never read.
 */
@ApplicationScoped
public class PostgresBatchJobs implements BatchJobs {
    private static final String COLUMNS = "resource_id, tenant_id, upstream_name, request_id, reservation_id, "
            + "end_user, next_poll_at, polls";
    private static final String INSERT = "INSERT INTO batch_jobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + COLUMNS + " FROM batch_jobs WHERE resource_id = ?";
    /** 1 holder, 2 lease until; inner: 3 now (due), 4 now (lease over), 5 limit; outer re-check: 6 now, 7 now. */
    static final String CLAIM = "UPDATE batch_jobs SET lease_holder = ?, lease_until = ? WHERE resource_id IN ("
            + "SELECT resource_id FROM batch_jobs WHERE settled_at IS NULL AND next_poll_at <= ? "
            + "AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_poll_at LIMIT ? FOR UPDATE SKIP LOCKED) "
            + "AND settled_at IS NULL AND next_poll_at <= ? AND (lease_until IS NULL OR lease_until <= ?) "
            + "RETURNING " + COLUMNS;
    private static final String RESCHEDULE = "UPDATE batch_jobs SET next_poll_at = ?, polls = polls + 1, "
            + "lease_holder = NULL, lease_until = NULL WHERE resource_id = ? AND lease_holder = ?";
    private static final String MARK_SETTLED = "UPDATE batch_jobs SET settled_at = ?, lease_holder = NULL, "
            + "lease_until = NULL WHERE resource_id = ? AND settled_at IS NULL";
    private static final String SETTLED = "SELECT settled_at IS NOT NULL FROM batch_jobs WHERE resource_id = ?";

    private final DataSource dataSource;
    private final DatabaseGuard guard;

    @Inject
    public PostgresBatchJobs(DataSource dataSource, DatabaseGuard guard) {
        this.dataSource = dataSource;
        this.guard = guard;
    }

    @Override
    public void add(Job job) {
        Objects.requireNonNull(job, "job");
        guard.call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(INSERT)) {
                s.setObject(1, job.resourceId());
                s.setObject(2, job.tenant().value());
                s.setString(3, job.name().value());
                s.setString(4, job.requestId().value());
                if (job.reservation().isPresent()) {
                    s.setObject(5, job.reservation().get().value());
                } else {
                    s.setNull(5, Types.OTHER);
                }
                s.setString(6, job.endUser().orElse(null));
                s.setObject(7, at(job.nextPollAt()));
                s.setInt(8, job.polls());
                s.executeUpdate();
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("recording batch job " + job.name() + " failed", e);
            }
        });
    }

    @Override
    public Optional<Job> find(UUID resourceId) {
        return guard.call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(FIND)) {
                s.setObject(1, resourceId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(job(r)) : Optional.<Job>empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading batch job " + resourceId + " failed", e);
            }
        });
    }

    @Override
    public List<Job> claimDue(String holder, Instant now, Duration lease, int limit) {
        return guard.call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM)) {
                s.setString(1, holder);
                s.setObject(2, at(now.plus(lease)));
                s.setObject(3, at(now));
                s.setObject(4, at(now));
                s.setInt(5, limit);
                s.setObject(6, at(now));
                s.setObject(7, at(now));
                List<Job> claimed = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        claimed.add(job(r));
                    }
                }
                return claimed;
            } catch (SQLException e) {
                throw new IllegalStateException("claiming due batch jobs failed", e);
            }
        });
    }

    @Override
    public void reschedule(UUID resourceId, String holder, Instant nextPollAt) {
        guard.call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(RESCHEDULE)) {
                s.setObject(1, at(nextPollAt));
                s.setObject(2, resourceId);
                s.setString(3, holder);
                return s.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("rescheduling batch job " + resourceId + " failed", e);
            }
        });
    }

    @Override
    public boolean markSettled(UUID resourceId, Instant now) {
        return guard.call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(MARK_SETTLED)) {
                s.setObject(1, at(now));
                s.setObject(2, resourceId);
                return s.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new IllegalStateException("marking batch job " + resourceId + " settled failed", e);
            }
        });
    }

    @Override
    public boolean settled(UUID resourceId) {
        return guard.call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SETTLED)) {
                s.setObject(1, resourceId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() && r.getBoolean(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading batch job " + resourceId + " failed", e);
            }
        });
    }

    private static Job job(ResultSet r) throws SQLException {
        UUID reservation = r.getObject("reservation_id", UUID.class);
        return new Job(r.getObject("resource_id", UUID.class), new TenantId(r.getObject("tenant_id", UUID.class)),
                new UpstreamResourceName(ResourceKind.BATCH, r.getString("upstream_name")),
                new RequestId(r.getString("request_id")),
                Optional.ofNullable(reservation).map(ReservationId::new), Optional.ofNullable(r.getString("end_user")),
                r.getObject("next_poll_at", OffsetDateTime.class).toInstant(), r.getInt("polls"));
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(Timestamps.toDatabase(instant), ZoneOffset.UTC);
    }
}
