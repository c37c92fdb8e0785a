-- Per-tenant and per-key rate-limit overrides (issue 14), set through the admin API and served from memory by every
-- replica (OverridingRateLimitSource reloads them every gemgate.quota.overrides-refresh).
--
-- One row per scope: a TENANT row (api_key_id NULL) carries the tenant's own limits, its limits on each of its models
-- (model_*) and its priority class; an API_KEY row carries the key's own limits and nothing else. Every value column is
-- optional: NULL inherits the configured default of that field. A row overrides at least one field (clearing an
-- override deletes its row). Values are 1 to 10^11 (RateLimits.MAX, as quota_buckets' limit).
--
-- Tenants and keys are soft-deleted (V5), so their overrides stay with them; a hard delete of either takes its
-- overrides with it (ON DELETE CASCADE), and a key override can only name a key of the same tenant (the composite foreign key).

ALTER TABLE api_keys ADD CONSTRAINT api_keys_id_tenant_unique UNIQUE (id, tenant_id);

CREATE TABLE rate_limit_overrides (
    scope                     varchar(8) NOT NULL,
    tenant_id                 uuid       NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    api_key_id                uuid       NULL,
    requests_per_minute       bigint     NULL,
    tokens_per_minute         bigint     NULL,
    requests_per_day          bigint     NULL,
    concurrent_requests       bigint     NULL,
    model_requests_per_minute bigint     NULL,
    model_tokens_per_minute   bigint     NULL,
    model_requests_per_day    bigint     NULL,
    model_concurrent_requests bigint     NULL,
    priority                  varchar(8) NULL,
    CONSTRAINT rate_limit_overrides_one_per_scope UNIQUE NULLS NOT DISTINCT (tenant_id, api_key_id),
    CONSTRAINT rate_limit_overrides_key_of_tenant FOREIGN KEY (api_key_id, tenant_id)
        REFERENCES api_keys (id, tenant_id) ON DELETE CASCADE,
    CONSTRAINT rate_limit_overrides_scope_known CHECK (scope IN ('TENANT', 'API_KEY')),
    CONSTRAINT rate_limit_overrides_scope_matches_key CHECK ((scope = 'API_KEY') = (api_key_id IS NOT NULL)),
    CONSTRAINT rate_limit_overrides_key_has_own_limits_only CHECK (scope = 'TENANT' OR (
        model_requests_per_minute IS NULL AND model_tokens_per_minute IS NULL AND model_requests_per_day IS NULL
        AND model_concurrent_requests IS NULL AND priority IS NULL)),
    CONSTRAINT rate_limit_overrides_priority_known CHECK (priority IN ('HIGH', 'NORMAL', 'LOW')),
    CONSTRAINT rate_limit_overrides_overrides_something CHECK (num_nonnulls(requests_per_minute, tokens_per_minute,
        requests_per_day, concurrent_requests, model_requests_per_minute, model_tokens_per_minute,
        model_requests_per_day, model_concurrent_requests, priority) > 0),
    CONSTRAINT rate_limit_overrides_values_in_range CHECK (
        requests_per_minute BETWEEN 1 AND 100000000000 AND tokens_per_minute BETWEEN 1 AND 100000000000
        AND requests_per_day BETWEEN 1 AND 100000000000 AND concurrent_requests BETWEEN 1 AND 100000000000
        AND model_requests_per_minute BETWEEN 1 AND 100000000000
        AND model_tokens_per_minute BETWEEN 1 AND 100000000000
        AND model_requests_per_day BETWEEN 1 AND 100000000000
        AND model_concurrent_requests BETWEEN 1 AND 100000000000)
);

CREATE INDEX rate_limit_overrides_by_key ON rate_limit_overrides (api_key_id) WHERE api_key_id IS NOT NULL;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'TENANT_RATE_LIMITS_CHANGED',
    'API_KEY_RATE_LIMITS_CHANGED', 'ADMIN_ACCESS_DENIED'));
