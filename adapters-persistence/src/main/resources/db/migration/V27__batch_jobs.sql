-- Issue 19: the batch jobs Gemgate still has to settle (the domain's BatchJobs). One row per batch job created through
-- Gemgate, beside its tenant_resources row (resource_id). request_id is the creating request (the id of its audit
-- event and of its budget reservation, reservation_id, held for the job's life); end_user the end user it was created
-- for (its settlement is charged to the same budgets).
--
-- Polling is cluster-safe: a replica leases due jobs with one UPDATE over a SELECT ... FOR UPDATE SKIP LOCKED
-- (lease_holder, lease_until), so each job is polled by one replica at a time; a replica that dies mid-poll lets the
-- lease run out. next_poll_at backs off (polls counts them). settled_at is set once, by a conditional UPDATE
-- (settled_at IS NULL): the one replica whose UPDATE changed the row writes the settlement, exactly once.
CREATE TABLE batch_jobs (
    resource_id    uuid         PRIMARY KEY,
    tenant_id      uuid         NOT NULL,
    upstream_name  varchar(160) NOT NULL,
    request_id     varchar(128) NOT NULL,
    reservation_id uuid         NULL,
    end_user       varchar(128) NULL,
    next_poll_at   timestamptz  NOT NULL,
    polls          integer      NOT NULL DEFAULT 0,
    lease_holder   varchar(200) NULL,
    lease_until    timestamptz  NULL,
    settled_at     timestamptz  NULL,
    CONSTRAINT batch_jobs_name_shape CHECK (upstream_name ~ '^batches/[A-Za-z0-9_-]{1,128}$'),
    CONSTRAINT batch_jobs_polls_not_negative CHECK (polls >= 0),
    CONSTRAINT batch_jobs_lease_whole CHECK ((lease_holder IS NULL) = (lease_until IS NULL))
);

-- the poller's scan: unsettled jobs by due time
CREATE INDEX batch_jobs_due ON batch_jobs (next_poll_at) WHERE settled_at IS NULL;
