package dev.gemgate.adapter.persistence;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** Settings of {@link PostgresAuditLog} (prefix {@code gemgate.audit}); the defaults work without configuration. */
@ConfigMapping(prefix = "gemgate.audit")
public interface AuditLogConfig {
    /**
     * {@code async}: {@code append} returns at once; a crash loses what was queued and not yet committed or spooled.
     * {@code sync}: {@code append} returns once its event is committed (by group commit) or, while the database is
     * down, forced to the spool.
     */
    @WithDefault("async")
    PostgresAuditLog.Durability durability();

    /** Events held in memory before {@code append} has to wait. */
    @WithDefault("10000")
    int queueCapacity();

    /** Events per batch (one transaction). */
    @WithDefault("500")
    int batchSize();

    /** Async mode: how long the writer waits to fill a batch after its first event. */
    @WithDefault("50ms")
    Duration maxDelay();

    /** The longest {@code append} blocks: for room in a full queue and, in sync mode, for its commit. */
    @WithDefault("5s")
    Duration appendTimeout();

    /** The longest a flush or the drain on shutdown waits. */
    @WithDefault("30s")
    Duration drainTimeout();

    /** Where events wait while the database cannot take them (one directory per instance; a volume in containers). */
    @WithDefault(".gemgate/audit-spool")
    Path spoolDir();

    /** While the database is down: how often the writer tries it again (with the oldest spooled events). */
    @WithDefault("1s")
    Duration replayInterval();
}
