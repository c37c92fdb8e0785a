-- Usage reports (PostgresUsageQuery) add up one tenant's request events over a range of days. This index holds every
-- column they read, so that the sums come from an index-only scan of the tenant's range rather than one heap fetch
-- per event. It starts with (tenant_id, occurred_at), so it also serves everything audit_events_by_tenant_time served
-- (the admin audit query scans it backwards for its newest-first order): that narrower index goes, and the audit
-- insert path keeps one index per tenant and time, not two.
CREATE INDEX audit_events_usage ON audit_events (tenant_id, occurred_at)
    INCLUDE (type, model, api_key_id, end_user, prompt_tokens, candidates_tokens, thoughts_tokens, cached_tokens,
             cost_micros);
DROP INDEX audit_events_by_tenant_time;

-- The USAGE surface: a key scoped to surfaces reads its tenant's usage (/gemgate/v1/usage) only if USAGE is one of them.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_surfaces_known;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_surfaces_known
    CHECK (allowed_surfaces ~ '^((GEMINI|OPENAI|EMBEDDINGS|BATCH|USAGE)( (GEMINI|OPENAI|EMBEDDINGS|BATCH|USAGE))*)?$');
