-- Issue 19: who owns each Gemini server-side resource (file, context cache, batch job) created through Gemgate. One row
-- per resource created; the domain's TenantResource and TenantResources (its javadoc) say what each column means.
--
-- upstream_name is the name Google gave the resource (files/abc123, cachedContents/x, batches/y), credential_id the
-- upstream credential whose Google project holds it: every later call naming the resource must go to that credential.
-- Deleting through Gemgate sets deleted_at and keeps the row (billing history); a deleted row is never found, listed
-- or updated again and blocks no later resource of the same name (Google may reuse a name once it is gone).
-- description is the resource as Google last described it (its JSON text), what a list answers from this table.
--
-- No foreign keys: like the audit log and the ledger, the record outlives its tenant, key and credential (tenants are
-- soft-deleted anyway, credentials may be removed from the pool while their resources still bill).
CREATE TABLE tenant_resources (
    id             uuid         PRIMARY KEY,
    kind           varchar(16)  NOT NULL,
    upstream_name  varchar(160) NOT NULL,
    tenant_id      uuid         NOT NULL,
    api_key_id     uuid         NOT NULL,
    credential_id  varchar(64)  NOT NULL,
    model          varchar(100) NULL,
    size_bytes     bigint       NULL,
    token_count    bigint       NULL,
    request_count  bigint       NULL,
    state          varchar(64)  NOT NULL,
    expire_time    timestamptz  NULL,
    reserved_micros bigint      NOT NULL DEFAULT 0,
    settled_micros bigint       NOT NULL DEFAULT 0,
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    deleted_at     timestamptz  NULL,
    description    text         NOT NULL DEFAULT '',
    CONSTRAINT tenant_resources_kind_known CHECK (kind IN ('FILE', 'CACHED_CONTENT', 'BATCH')),
    -- the kind's prefix and an id of 1 to 128 letters, digits, '-' or '_' (UpstreamResourceName)
    CONSTRAINT tenant_resources_name_shape CHECK (upstream_name ~ ((CASE kind WHEN 'FILE' THEN '^files/'
        WHEN 'CACHED_CONTENT' THEN '^cachedContents/' ELSE '^batches/' END) || '[A-Za-z0-9_-]{1,128}$')),
    CONSTRAINT tenant_resources_credential_format CHECK (credential_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    CONSTRAINT tenant_resources_state_shape CHECK (state ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    -- each count belongs to one kind: files by bytes, caches by cached tokens, batches by requests
    CONSTRAINT tenant_resources_size_of_files CHECK (size_bytes IS NULL OR (kind = 'FILE' AND size_bytes >= 0)),
    CONSTRAINT tenant_resources_tokens_of_caches CHECK (token_count IS NULL
        OR (kind = 'CACHED_CONTENT' AND token_count >= 0)),
    CONSTRAINT tenant_resources_requests_of_batches CHECK (request_count IS NULL
        OR (kind = 'BATCH' AND request_count >= 0)),
    CONSTRAINT tenant_resources_money_not_negative CHECK (reserved_micros >= 0 AND settled_micros >= 0),
    CONSTRAINT tenant_resources_times_ordered CHECK (updated_at >= created_at
        AND (deleted_at IS NULL OR deleted_at >= created_at))
);

-- Google names a resource within one project (one credential): among live rows, one per kind, name and credential;
-- the same name under two credentials is two resources.
CREATE UNIQUE INDEX tenant_resources_live_upstream ON tenant_resources (kind, upstream_name, credential_id)
    WHERE deleted_at IS NULL;
-- A name a tenant sends resolves to one resource (so to one credential); this index also serves find.
CREATE UNIQUE INDEX tenant_resources_live_by_tenant ON tenant_resources (tenant_id, kind, upstream_name)
    WHERE deleted_at IS NULL;
-- list: a tenant's live resources of a kind, newest first, keyset-paged by (created_at, id)
CREATE INDEX tenant_resources_tenant_newest ON tenant_resources (tenant_id, kind, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
