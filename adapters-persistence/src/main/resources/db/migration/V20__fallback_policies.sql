-- Fallback policies set through the admin API (issue 16), served from memory by every replica
-- (StoredFallbackPolicySource reloads them every gemgate.budget.refresh).
--
-- fallback_policies: at most one row per tenant; no row: the configured chains (gemgate.upstream.fallback.*) apply.
-- strict: the tenant's requests are only ever served by the model they name.
-- fallback_chains: the tenant's own chain per requested model, in order (an empty chain: no fallback for that model);
-- at most 4 models, none twice, never the model itself (the domain's FallbackPolicy checks the same).
--
-- Tenants are soft-deleted (V5): their rows stay with them; a hard delete takes them along (ON DELETE CASCADE).
--
-- The audit type FALLBACK_POLICY_CHANGED (an admin set or removed a tenant's fallback policy). The list is V15's, with
-- V19's four UPSTREAM_CREDENTIAL_* types (issue 16's credential pool), so that either migration may come first.

CREATE FUNCTION fallback_chain_valid(model text, fallbacks text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (cardinality(fallbacks) = 0 OR array_ndims(fallbacks) = 1)
        AND cardinality(fallbacks) <= 4
        AND NOT EXISTS (SELECT 1 FROM unnest(fallbacks) AS f(m) WHERE m IS NULL OR m = model)
        AND (SELECT count(DISTINCT m) FROM unnest(fallbacks) AS f(m)) = cardinality(fallbacks)
$$;

CREATE TABLE fallback_policies (
    tenant_id  uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    strict     boolean     NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE fallback_chains (
    tenant_id uuid          NOT NULL REFERENCES fallback_policies (tenant_id) ON DELETE CASCADE,
    model     varchar(100)  NOT NULL,
    fallbacks varchar(100)[] NOT NULL,
    PRIMARY KEY (tenant_id, model),
    CONSTRAINT fallback_chains_valid CHECK (fallback_chain_valid(model, fallbacks::text[]))
);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'TENANT_RATE_LIMITS_CHANGED',
    'API_KEY_RATE_LIMITS_CHANGED', 'ADMIN_ACCESS_DENIED', 'MODEL_PRICE_ADDED', 'BUDGET_SET', 'BUDGET_REMOVED',
    'SPENDING_POLICY_CHANGED', 'BUDGET_THRESHOLD_CROSSED', 'UPSTREAM_CREDENTIAL_ADDED', 'UPSTREAM_CREDENTIAL_CHANGED',
    'UPSTREAM_CREDENTIAL_DELETED', 'UPSTREAM_CREDENTIAL_REJECTED', 'FALLBACK_POLICY_CHANGED'));
