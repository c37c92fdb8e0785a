-- The caller's own x-request-id is kept apart from the server-generated request id: it correlates logs, nothing keys
-- on it. New event type (sampled failed authentications) and outcomes (database unavailable, internal error).

ALTER TABLE audit_events ADD COLUMN correlation_id varchar(128) NULL;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT', 'COUNT_TOKENS',
    'LIST_MODELS', 'EMBED_CONTENT', 'TENANT_CREATED', 'API_KEY_ISSUED', 'API_KEY_REVOKED', 'AUTHENTICATION_FAILED'));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_outcome_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_known CHECK (outcome IN ('SUCCESS', 'CACHE_HIT',
    'INVALID_REQUEST', 'NOT_FOUND', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'QUOTA_REFUSED', 'BUDGET_REFUSED',
    'UPSTREAM_RATE_LIMITED', 'UPSTREAM_ERROR', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL_ERROR'));
