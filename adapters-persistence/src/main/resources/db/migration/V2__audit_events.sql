-- The audit log: append-only, written in batches by PostgresAuditLog. No foreign keys on tenant_id / api_key_id on
-- purpose: audit rows must outlive (and never be refused because of) the tenants and keys they mention, and one
-- bad reference must not fail a whole batch of other tenants' events.

CREATE TABLE audit_events (
    id                uuid          PRIMARY KEY,
    occurred_at       timestamptz   NOT NULL,
    type              varchar(32)   NOT NULL,
    request_id        varchar(128)  NOT NULL,
    tenant_id         uuid          NULL,
    api_key_id        uuid          NULL,
    actor             varchar(256)  NOT NULL,
    model             varchar(100)  NULL,
    prompt_tokens     bigint        NOT NULL,
    candidates_tokens bigint        NOT NULL,
    thoughts_tokens   bigint        NOT NULL,
    cached_tokens     bigint        NOT NULL,
    cost_micros       bigint        NOT NULL,
    latency_micros    bigint        NOT NULL,
    outcome           varchar(32)   NOT NULL,
    prompt_hash       varchar(128)  NULL,
    detail            varchar(1000) NOT NULL,
    CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS',
        'EMBED_CONTENT', 'TENANT_CREATED', 'API_KEY_ISSUED', 'API_KEY_REVOKED')),
    CONSTRAINT audit_events_outcome_known CHECK (outcome IN ('SUCCESS', 'CACHE_HIT', 'INVALID_REQUEST', 'NOT_FOUND',
        'UNAUTHENTICATED', 'PERMISSION_DENIED', 'QUOTA_REFUSED', 'BUDGET_REFUSED', 'UPSTREAM_RATE_LIMITED',
        'UPSTREAM_ERROR', 'TIMEOUT')),
    CONSTRAINT audit_events_tokens_not_negative CHECK (prompt_tokens >= 0 AND candidates_tokens >= 0
        AND thoughts_tokens >= 0 AND cached_tokens >= 0 AND cached_tokens <= prompt_tokens),
    CONSTRAINT audit_events_cost_not_negative CHECK (cost_micros >= 0),
    CONSTRAINT audit_events_latency_not_negative CHECK (latency_micros >= 0)
);

-- A tenant's own history (portal, exports) and the operator's global "latest events" view, both newest first.
CREATE INDEX audit_events_by_tenant_time ON audit_events (tenant_id, occurred_at DESC);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at DESC);
