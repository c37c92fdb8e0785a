-- Google's requests-per-day quota resets at midnight Pacific time (America/Los_Angeles, daylight saving followed), so
-- the upstream's per-day buckets (upstream:<credential>:<model>:rpd) count Pacific days: a third bucket shape.
-- The store computes the start of the day in Java and compares refilled_at with it, so the database needs no time-zone
-- rules; nothing else in the table changes.
ALTER TABLE quota_buckets DROP CONSTRAINT quota_buckets_shape_known;
ALTER TABLE quota_buckets ADD CONSTRAINT quota_buckets_shape_known
    CHECK (shape IN ('PER_MINUTE', 'PER_DAY_UTC', 'PER_DAY_PACIFIC'));
