package dev.gemgate.domain.fakes;

import dev.gemgate.domain.resource.BatchJobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The batch jobs to settle in memory, with the rules of {@code PostgresBatchJobs}: a due job is leased to one holder at
 * a time until its lease ends, settlement is marked once. Synchronized: several pollers sharing it stand for replicas.
 */
public final class InMemoryBatchJobs implements BatchJobs {
    private final Map<UUID, Row> rows = new LinkedHashMap<>();

    private static final class Row {
        Job job;
        String holder;
        Instant leaseUntil;
        Instant settledAt;

        Row(Job job) {
            this.job = job;
        }
    }

    @Override
    public synchronized void add(Job job) {
        if (rows.putIfAbsent(job.resourceId(), new Row(job)) != null) {
            throw new IllegalStateException("job already added: " + job.resourceId());
        }
    }

    @Override
    public synchronized Optional<Job> find(UUID resourceId) {
        return Optional.ofNullable(rows.get(resourceId)).map(r -> r.job);
    }

    @Override
    public synchronized List<Job> claimDue(String holder, Instant now, Duration lease, int limit) {
        List<Row> due = new ArrayList<>();
        for (Row row : rows.values()) {
            if (row.settledAt == null && !row.job.nextPollAt().isAfter(now)
                    && (row.leaseUntil == null || !row.leaseUntil.isAfter(now))) {
                due.add(row);
            }
        }
        due.sort(Comparator.comparing(r -> r.job.nextPollAt()));
        List<Job> claimed = new ArrayList<>();
        for (Row row : due.subList(0, Math.min(limit, due.size()))) {
            row.holder = holder;
            row.leaseUntil = now.plus(lease);
            claimed.add(row.job);
        }
        return claimed;
    }

    @Override
    public synchronized void reschedule(UUID resourceId, String holder, Instant nextPollAt) {
        Row row = rows.get(resourceId);
        if (row != null && holder.equals(row.holder)) {
            Job j = row.job;
            row.job = new Job(j.resourceId(), j.tenant(), j.name(), j.requestId(), j.reservation(), j.endUser(),
                    nextPollAt, j.polls() + 1);
            row.holder = null;
            row.leaseUntil = null;
        }
    }

    @Override
    public synchronized boolean markSettled(UUID resourceId, Instant now) {
        Row row = rows.get(resourceId);
        if (row == null || row.settledAt != null) {
            return false;
        }
        row.settledAt = now;
        return true;
    }

    @Override
    public synchronized boolean settled(UUID resourceId) {
        Row row = rows.get(resourceId);
        return row != null && row.settledAt != null;
    }
}
