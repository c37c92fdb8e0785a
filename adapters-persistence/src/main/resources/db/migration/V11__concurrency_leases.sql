-- The fleet-wide pools of concurrency permits (the domain's PermitStore): one row per pool, and one lease per pool and
-- holder (a running Gemgate instance, a random UUID per start). A pool's permits in use are the sum of its live leases
-- (expires_at after the caller's now); an expired lease no longer counts, so a crashed instance's permits come back
-- once its lease expires. Live instances renew their leases by a heartbeat.
--
-- A lease is taken in one short transaction that first locks the pool's row (INSERT ... ON CONFLICT DO UPDATE), then
-- sums the live leases in a fresh statement (READ COMMITTED: it sees every lease committed by whoever held the lock
-- before) and writes its own lease: replicas queue on the pool's row, and none is granted a permit another holds.
-- Give-backs and renewals are single statements on the holder's own rows; they only ever free permits or keep them.

CREATE TABLE concurrency_pools (
    pool_key   varchar(200) PRIMARY KEY,
    pool_limit bigint       NOT NULL,
    CONSTRAINT concurrency_pools_key_not_blank CHECK (length(btrim(pool_key)) > 0),
    CONSTRAINT concurrency_pools_limit_range CHECK (pool_limit BETWEEN 1 AND 100000000000)
);

CREATE TABLE concurrency_leases (
    pool_key   varchar(200) NOT NULL REFERENCES concurrency_pools (pool_key) ON DELETE CASCADE,
    holder     varchar(64)  NOT NULL,
    permits    bigint       NOT NULL,
    expires_at timestamptz  NOT NULL,
    PRIMARY KEY (pool_key, holder),
    CONSTRAINT concurrency_leases_holder_not_blank CHECK (length(btrim(holder)) > 0),
    CONSTRAINT concurrency_leases_permits_not_negative CHECK (permits >= 0)
) WITH (fillfactor = 70);

-- the heartbeat renews every lease of one holder in one statement
CREATE INDEX concurrency_leases_holder ON concurrency_leases (holder);
