-- The control plane (issue 12): tenant profiles and soft deletion, key scopes and last use, admin audit fields.

-- Tenants: a display name (the name until someone sets one), an optional contact, free-form metadata (a table of its
-- own: one row per entry), and soft deletion. A deleted tenant keeps its row so that audit rows, ledger entries and
-- keys keep pointing at something; its name is free again, so uniqueness (ignoring case) covers live tenants only.
ALTER TABLE tenants ADD COLUMN display_name varchar(200) NULL;
UPDATE tenants SET display_name = name;
ALTER TABLE tenants ALTER COLUMN display_name SET NOT NULL;
ALTER TABLE tenants ADD COLUMN contact varchar(254) NULL;
ALTER TABLE tenants ADD COLUMN deleted_at timestamptz NULL;
ALTER TABLE tenants ADD CONSTRAINT tenants_display_name_not_blank CHECK (length(btrim(display_name)) > 0);
ALTER TABLE tenants ADD CONSTRAINT tenants_contact_not_blank CHECK (contact IS NULL OR length(btrim(contact)) > 0);
ALTER TABLE tenants DROP CONSTRAINT tenants_status_known;
ALTER TABLE tenants ADD CONSTRAINT tenants_status_known CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED'));
ALTER TABLE tenants ADD CONSTRAINT tenants_deleted_has_time CHECK ((status = 'DELETED') = (deleted_at IS NOT NULL));
ALTER TABLE tenants DROP CONSTRAINT tenants_name_unique;
CREATE UNIQUE INDEX tenants_live_name_unique ON tenants (lower(name)) WHERE status <> 'DELETED';

CREATE TABLE tenant_metadata (
    tenant_id  uuid         NOT NULL REFERENCES tenants (id),
    meta_key   varchar(63)  NOT NULL,
    meta_value varchar(512) NOT NULL,
    CONSTRAINT tenant_metadata_pk PRIMARY KEY (tenant_id, meta_key),
    CONSTRAINT tenant_metadata_key_shape CHECK (meta_key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$')
);

-- API keys: when last used (written in batches by BatchedKeyUsageRecorder, never by a save), and scopes. Each scope
-- list is its entries separated by single spaces (model names, surface names and CIDR blocks contain none); an empty
-- list means "unrestricted" on that dimension.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz NULL;
ALTER TABLE api_keys ADD COLUMN allowed_models varchar(10400) NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN allowed_surfaces varchar(100) NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN allowed_addresses varchar(5000) NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD CONSTRAINT api_keys_surfaces_known
    CHECK (allowed_surfaces ~ '^((GEMINI|OPENAI|EMBEDDINGS|BATCH)( (GEMINI|OPENAI|EMBEDDINGS|BATCH))*)?$');

-- Audit: admin actions name their actor (the subject stays in actor), the client address, the target, and the
-- target's state before and after as JSON text (secrets never included). All four are set together or not at all.
ALTER TABLE audit_events ADD COLUMN actor_name varchar(256) NULL;
ALTER TABLE audit_events ADD COLUMN source_address varchar(64) NULL;
ALTER TABLE audit_events ADD COLUMN target varchar(256) NULL;
ALTER TABLE audit_events ADD COLUMN before_state text NULL;
ALTER TABLE audit_events ADD COLUMN after_state text NULL;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_admin_complete
    CHECK ((actor_name IS NULL) = (source_address IS NULL) AND (actor_name IS NULL) = (target IS NULL)
        AND (actor_name IS NOT NULL OR (before_state IS NULL AND after_state IS NULL)));
ALTER TABLE audit_events ADD CONSTRAINT audit_events_states_bounded
    CHECK (length(before_state) <= 65536 AND length(after_state) <= 65536);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT', 'COUNT_TOKENS',
    'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED', 'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED',
    'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED', 'API_KEY_ROTATED', 'API_KEY_REVOKED',
    'API_KEY_SCOPES_CHANGED', 'ADMIN_ACCESS_DENIED'));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_outcome_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_known CHECK (outcome IN ('SUCCESS', 'CACHE_HIT',
    'INVALID_REQUEST', 'NOT_FOUND', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'QUOTA_REFUSED', 'BUDGET_REFUSED',
    'UPSTREAM_RATE_LIMITED', 'UPSTREAM_ERROR', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL_ERROR', 'CONFLICT'));

-- An admin's view of one target's history (a key's, a tenant's) and of who did what.
CREATE INDEX audit_events_by_target_time ON audit_events (target, occurred_at DESC) WHERE target IS NOT NULL;
