-- Issue 19: resumable uploads in progress through Gemgate (the Files API), shared by every replica since a chunk may
-- reach any of them. token_hash is the SHA-256 (hex) of the upload_id handed to the tenant: the id itself, the only
-- authority for the chunks, is never stored. upstream_url is the upstream credential's resumable upload URL (never
-- shown to a tenant, never logged). received_bytes is what the upstream has accepted so far; a session is usable
-- until expires_at and while finished_at is NULL.
CREATE TABLE upload_sessions (
    token_hash     char(64)     PRIMARY KEY,
    tenant_id      uuid         NOT NULL,
    api_key_id     uuid         NOT NULL,
    credential_id  varchar(64)  NOT NULL,
    upstream_url   text         NOT NULL,
    received_bytes bigint       NOT NULL DEFAULT 0,
    created_at     timestamptz  NOT NULL,
    expires_at     timestamptz  NOT NULL,
    finished_at    timestamptz  NULL,
    CONSTRAINT upload_sessions_hash_shape CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT upload_sessions_credential_format CHECK (credential_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    CONSTRAINT upload_sessions_url_shape CHECK (upstream_url ~ '^https?://'),
    CONSTRAINT upload_sessions_received_not_negative CHECK (received_bytes >= 0),
    CONSTRAINT upload_sessions_expire_after_start CHECK (expires_at > created_at)
);

-- old sessions are found by age to be purged
CREATE INDEX upload_sessions_expires_at ON upload_sessions (expires_at);
