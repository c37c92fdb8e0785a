-- Issue 19: the storage of explicit context caches, billed per token-hour from creation until deletion or expiry.
-- storage_billed_through is how far a cache's storage has been charged (NULL: nothing yet, i.e. its created_at).
-- A charge claims its stretch by moving this mark forward in one conditional UPDATE (PostgresCacheStorageMarks), so
-- two replicas, or a deletion and the settlement sweep, never charge the same hours twice. Only caches have it.
ALTER TABLE tenant_resources
    ADD COLUMN storage_billed_through timestamptz NULL,
    ADD CONSTRAINT tenant_resources_storage_of_caches CHECK (storage_billed_through IS NULL
        OR (kind = 'CACHED_CONTENT' AND storage_billed_through >= created_at));

-- The settlement sweep: caches whose storage is not charged to its end (deletion or expiry) yet.
CREATE INDEX tenant_resources_cache_storage_open ON tenant_resources (expire_time)
    WHERE kind = 'CACHED_CONTENT'
        AND storage_billed_through IS DISTINCT FROM LEAST(deleted_at, expire_time);

-- Storage rates (per 1,000,000 tokens per hour) of the models whose rate Google's pricing page gives
-- (ISSUE19-research.md section 5: gemini-2.5-flash and gemini-2.5-flash-lite 1.00; gemini-2.5-pro's 4.50 is V13's).
-- As V13 did, this fills in a fact the row did not hold (NULL: unknown), it changes no rate that was billed: a cache
-- of a model without a storage rate is refused, since its storage could not be charged. Other models get theirs as a
-- new price row through the admin API (cacheStoragePerHour).
UPDATE model_prices SET cache_storage_micros_per_million_hour = 1000000
    WHERE model IN ('gemini-2.5-flash', 'gemini-2.5-flash-lite') AND cache_storage_micros_per_million_hour IS NULL;
