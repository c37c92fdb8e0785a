-- The fleet-wide allowance of every rate limit (the domain's AllowanceStore): one row per bucket, taken from and given
-- back to by single statements, so that the row lock of each statement is what keeps replicas from ever taking the same
-- allowance twice.
--
-- held_ticks is what the bucket holds, in ticks of 1/60,000,000 unit: a per-minute bucket of limit L refills L units
-- per 60,000,000 microseconds, that is exactly L ticks per microsecond, so the continuous refill is integer arithmetic
-- with no rounding at all. Takes and give-backs move whole units (60,000,000 ticks each).
--
-- refilled_at is the instant up to which the refill has been credited (the latest `now` a take brought); for a
-- per-UTC-day bucket its UTC date is the day the held units belong to. granted_units is what the latest take granted:
-- the take's RETURNING reports it (PostgreSQL 17's RETURNING sees only the new row, not the old one).
--
-- Every take rewrites its row: a lower fill factor leaves room on each page for HOT updates (the only index, the
-- primary key, never changes), so a hot bucket does not bloat its index.

CREATE TABLE quota_buckets (
    bucket_key    varchar(200) PRIMARY KEY,
    shape         varchar(16)  NOT NULL,
    bucket_limit  bigint       NOT NULL,
    held_ticks    bigint       NOT NULL,
    granted_units bigint       NOT NULL,
    refilled_at   timestamptz  NOT NULL,
    CONSTRAINT quota_buckets_key_not_blank CHECK (length(btrim(bucket_key)) > 0),
    CONSTRAINT quota_buckets_shape_known CHECK (shape IN ('PER_MINUTE', 'PER_DAY_UTC')),
    -- at most 10^11 units (per minute or per day), so that a full bucket in ticks stays inside bigint
    CONSTRAINT quota_buckets_limit_range CHECK (bucket_limit BETWEEN 1 AND 100000000000),
    CONSTRAINT quota_buckets_held_within_limit CHECK (held_ticks BETWEEN 0 AND bucket_limit * 60000000),
    CONSTRAINT quota_buckets_granted_not_negative CHECK (granted_units >= 0)
) WITH (fillfactor = 50);
