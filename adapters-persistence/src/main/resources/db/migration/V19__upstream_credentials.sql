-- Issue 16: the upstream credential pool, shared by every replica. One row per credential: the deployment's configured
-- one (source CONFIGURATION: its secret stays in the configuration, only its status and weight live here) and those an
-- admin added (source ADMIN: the API key or service-account JSON encrypted with AES-GCM under the deployment's master
-- key, see AesGcmSecretBox; master_key_id is that key's fingerprint, so a start with another key names the rows it
-- cannot read). Checks mirror CredentialEntry and UpstreamCredentialId.
CREATE TABLE upstream_credentials (
    id                text        PRIMARY KEY,
    mode              text        NOT NULL,
    source            text        NOT NULL,
    weight            integer     NOT NULL,
    status            text        NOT NULL,
    base_url          text        NULL,
    vertex_project    text        NULL,
    vertex_location   text        NULL,
    secret_ciphertext bytea       NULL,
    master_key_id     text        NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT upstream_credentials_id_format CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
    CONSTRAINT upstream_credentials_mode_known CHECK (mode IN ('GEMINI_API_KEY', 'VERTEX_AI')),
    CONSTRAINT upstream_credentials_source_known CHECK (source IN ('CONFIGURATION', 'ADMIN')),
    CONSTRAINT upstream_credentials_status_known CHECK (status IN ('ACTIVE', 'DRAINING', 'DISABLED')),
    CONSTRAINT upstream_credentials_weight_range CHECK (weight BETWEEN 1 AND 1000),
    -- The secret is stored exactly for the credentials an admin added, always with the fingerprint of its key.
    CONSTRAINT upstream_credentials_secret_by_source CHECK ((secret_ciphertext IS NULL) = (source = 'CONFIGURATION')
        AND (secret_ciphertext IS NULL) = (master_key_id IS NULL)),
    CONSTRAINT upstream_credentials_vertex_complete CHECK (mode <> 'VERTEX_AI' OR source = 'CONFIGURATION'
        OR (vertex_project IS NOT NULL AND vertex_location IS NOT NULL)),
    CONSTRAINT upstream_credentials_updated_after_created CHECK (updated_at >= created_at)
);

-- The audit types of the pool: an admin added, changed (status, weight) or deleted a credential; Google rejected one
-- (401/403, recorded by the pool).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'TENANT_RATE_LIMITS_CHANGED',
    'API_KEY_RATE_LIMITS_CHANGED', 'ADMIN_ACCESS_DENIED', 'MODEL_PRICE_ADDED', 'BUDGET_SET', 'BUDGET_REMOVED',
    'SPENDING_POLICY_CHANGED', 'BUDGET_THRESHOLD_CROSSED', 'UPSTREAM_CREDENTIAL_ADDED', 'UPSTREAM_CREDENTIAL_CHANGED',
    'UPSTREAM_CREDENTIAL_DELETED', 'UPSTREAM_CREDENTIAL_REJECTED'));
