-- Tenants and their API keys. Keys are stored as the SHA-256 hex of the whole secret (never the secret) plus a short
-- visible prefix; the hash is the lookup path of every authenticated request, hence its unique index.

CREATE TABLE tenants (
    id         uuid         PRIMARY KEY,
    name       varchar(120) NOT NULL,
    status     varchar(16)  NOT NULL,
    created_at timestamptz  NOT NULL,
    CONSTRAINT tenants_name_unique UNIQUE (name),
    CONSTRAINT tenants_name_not_blank CHECK (length(btrim(name)) > 0),
    CONSTRAINT tenants_status_known CHECK (status IN ('ACTIVE', 'SUSPENDED'))
);

CREATE TABLE api_keys (
    id         uuid         PRIMARY KEY,
    tenant_id  uuid         NOT NULL REFERENCES tenants (id),
    label      varchar(120) NOT NULL,
    prefix     varchar(16)  NOT NULL,
    hash       char(64)     NOT NULL,
    status     varchar(16)  NOT NULL,
    created_at timestamptz  NOT NULL,
    expires_at timestamptz  NULL,
    revoked_at timestamptz  NULL,
    CONSTRAINT api_keys_hash_unique UNIQUE (hash),
    CONSTRAINT api_keys_hash_is_sha256_hex CHECK (hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT api_keys_prefix_length CHECK (length(prefix) BETWEEN 8 AND 16),
    CONSTRAINT api_keys_status_known CHECK (status IN ('ACTIVE', 'REVOKED')),
    CONSTRAINT api_keys_revoked_has_time CHECK (status <> 'REVOKED' OR revoked_at IS NOT NULL)
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
