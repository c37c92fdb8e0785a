-- The response cache (issue 17): answers stored by tenant and request fingerprint, shared by every replica (each keeps
-- a bounded in-memory first level in front of it), and the tenants' cache policies set through the admin API.
--
-- response_cache: one row per tenant and fingerprint (an HMAC-SHA256 in hex, as CacheKey requires). body is the
-- GenerateContentResponse JSON as UTF-8, gzip-compressed when compressed is true (above
-- gemgate.cache.compress-above-bytes); body_bytes is its uncompressed size. The usage columns are the answer's
-- usageMetadata, what a hit would have cost (the money saved). A row is served until expires_at; expired rows are
-- deleted by a scheduled purge (gemgate.cache.purge-interval) on the expires_at index. Rows go with their tenant on a
-- hard delete (ON DELETE CASCADE); a soft-deleted tenant cannot authenticate, so its rows are never read again and
-- expire like any other.
CREATE TABLE response_cache (
    tenant_id           uuid         NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    fingerprint         char(64)     NOT NULL,
    served_model        varchar(100) NOT NULL,
    prompt_tokens       bigint       NOT NULL,
    candidates_tokens   bigint       NOT NULL,
    thoughts_tokens     bigint       NOT NULL,
    cached_tokens       bigint       NOT NULL,
    audio_prompt_tokens bigint       NOT NULL,
    body                bytea        NOT NULL,
    compressed          boolean      NOT NULL,
    body_bytes          integer      NOT NULL,
    stored_at           timestamptz  NOT NULL,
    expires_at          timestamptz  NOT NULL,
    PRIMARY KEY (tenant_id, fingerprint),
    CONSTRAINT response_cache_fingerprint_hex CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    CONSTRAINT response_cache_usage_valid CHECK (prompt_tokens >= 0 AND candidates_tokens >= 0
        AND thoughts_tokens >= 0 AND cached_tokens >= 0 AND audio_prompt_tokens >= 0
        AND cached_tokens <= prompt_tokens AND audio_prompt_tokens <= prompt_tokens),
    CONSTRAINT response_cache_size_valid CHECK (body_bytes >= 0),
    CONSTRAINT response_cache_expires_after_stored CHECK (expires_at > stored_at)
);
CREATE INDEX response_cache_expiry ON response_cache (expires_at);

-- cache_policies: at most one row per tenant; no row: the configured default (gemgate.cache.default-ttl,
-- gemgate.cache.cache-non-deterministic) applies. ttl_millis 0 turns the tenant's caching off; at most 30 days (the
-- domain's CachePolicy checks the same).
CREATE TABLE cache_policies (
    tenant_id             uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    ttl_millis            bigint      NOT NULL,
    cache_nondeterministic boolean    NOT NULL,
    updated_at            timestamptz NOT NULL,
    CONSTRAINT cache_policies_ttl_valid CHECK (ttl_millis >= 0 AND ttl_millis <= 2592000000)
);

-- What a response-cache hit would have cost (its cost_micros is 0): the usage reports' money saved. Zero for every
-- other event. The usage index (V18) is rebuilt to hold it and the outcome, which tells a hit's unbilled tokens apart.
ALTER TABLE audit_events ADD COLUMN saved_micros bigint NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_saved_not_negative CHECK (saved_micros >= 0);
DROP INDEX audit_events_usage;
CREATE INDEX audit_events_usage ON audit_events (tenant_id, occurred_at)
    INCLUDE (type, model, api_key_id, end_user, prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens,
             cost_micros, outcome, saved_micros);

-- The audit type CACHE_POLICY_CHANGED (an admin set or removed a tenant's cache policy). The list is V20's.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'TENANT_RATE_LIMITS_CHANGED',
    'API_KEY_RATE_LIMITS_CHANGED', 'ADMIN_ACCESS_DENIED', 'MODEL_PRICE_ADDED', 'BUDGET_SET', 'BUDGET_REMOVED',
    'SPENDING_POLICY_CHANGED', 'BUDGET_THRESHOLD_CROSSED', 'UPSTREAM_CREDENTIAL_ADDED', 'UPSTREAM_CREDENTIAL_CHANGED',
    'UPSTREAM_CREDENTIAL_DELETED', 'UPSTREAM_CREDENTIAL_REJECTED', 'FALLBACK_POLICY_CHANGED', 'CACHE_POLICY_CHANGED'));
