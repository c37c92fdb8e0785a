-- Issue 15, shared by the budget admin API, the alerts and the usage queries:
-- * the audit types of budget changes (an admin sets or removes a tenant's, a key's or an end user's budget, or a
--   tenant's spending policy) and of a budget's soft threshold crossed;
-- * the end user a request was made for (the tenant's x-gemgate-user header), so that usage and cost can be read per
--   end user from the audit records. NULL when the request named none (and for admin events).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'TENANT_RATE_LIMITS_CHANGED',
    'API_KEY_RATE_LIMITS_CHANGED', 'ADMIN_ACCESS_DENIED', 'MODEL_PRICE_ADDED', 'BUDGET_SET', 'BUDGET_REMOVED',
    'SPENDING_POLICY_CHANGED', 'BUDGET_THRESHOLD_CROSSED'));

ALTER TABLE audit_events ADD COLUMN end_user varchar(128) NULL;
