-- Issue 15: webhook deliveries of budget alerts, one row per alert (its id is the alert's event id, also the id of its
-- BUDGET_THRESHOLD_CROSSED audit event and the receiver's X-Gemgate-Event-Id). Shared by every replica: a sender claims
-- due PENDING rows with FOR UPDATE SKIP LOCKED, moving next_attempt_at past the attempt (a lease), so two replicas
-- never make the same attempt; a retry survives a restart.
-- payload is text, not jsonb: it is the exact body that is signed and sent, byte for byte, on every attempt.
-- last_error never holds a secret (no URL, no signature). No foreign key to tenants: like the audit log, the record
-- outlives the tenant.
CREATE TABLE alert_deliveries (
    id               uuid PRIMARY KEY,
    tenant_id        uuid         NOT NULL,
    payload          text         NOT NULL,
    status           varchar(16)  NOT NULL,
    attempts         integer      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz  NULL,
    last_status_code integer      NULL,
    last_error       varchar(500) NULL,
    created_at       timestamptz  NOT NULL,
    delivered_at     timestamptz  NULL,
    CONSTRAINT alert_deliveries_status_known CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    CONSTRAINT alert_deliveries_attempts_not_negative CHECK (attempts >= 0),
    CONSTRAINT alert_deliveries_status_code_http CHECK (last_status_code BETWEEN 100 AND 599),
    CONSTRAINT alert_deliveries_pending_has_next CHECK ((status = 'PENDING') = (next_attempt_at IS NOT NULL)),
    CONSTRAINT alert_deliveries_delivered_has_time CHECK ((status = 'DELIVERED') = (delivered_at IS NOT NULL)),
    CONSTRAINT alert_deliveries_payload_bounded CHECK (length(payload) <= 65536)
);

-- what the senders claim: the pending rows by due time
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'PENDING';
-- the admin API: newest first, by tenant or across tenants, paged by (created_at, id)
CREATE INDEX alert_deliveries_tenant_newest ON alert_deliveries (tenant_id, created_at DESC, id DESC);
CREATE INDEX alert_deliveries_newest ON alert_deliveries (created_at DESC, id DESC);
