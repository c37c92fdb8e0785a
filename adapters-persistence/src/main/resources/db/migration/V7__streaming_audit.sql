-- Streamed generations get their own event type, and a request whose client went away before the end of its answer
-- (a stream it stopped reading) its own outcome: the upstream call was cancelled and what it produced was charged.

ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'ADMIN_ACCESS_DENIED'));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_outcome_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_known CHECK (outcome IN ('SUCCESS', 'CACHE_HIT',
    'INVALID_REQUEST', 'NOT_FOUND', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'QUOTA_REFUSED', 'BUDGET_REFUSED',
    'UPSTREAM_RATE_LIMITED', 'UPSTREAM_ERROR', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL_ERROR', 'CONFLICT',
    'CLIENT_CLOSED'));
