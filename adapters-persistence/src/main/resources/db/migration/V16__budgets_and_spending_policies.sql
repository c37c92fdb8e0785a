-- Budgets and spending policies set through the admin API (issue 15), served from memory by every replica
-- (StoredBudgetSource and StoredSpendingPolicySource reload them every gemgate.budget.refresh).
--
-- budgets: one row per budget of a tenant (scope TENANT), of one of its API keys (API_KEY, api_key_id set) or of its
-- end users (END_USER, end_user set; '*' is the tenant's default end-user budget, which applies to every end user,
-- each separately). A tenant has at most one budget per scope, key or end user and period. The limit is in
-- micro-dollars (Money), the zone an IANA zone id the period boundaries are counted in, the alert thresholds
-- ascending percentages from 1 to 100 (the domain's Budget checks the same).
--
-- spending_policies: at most one row per tenant; no row is the default policy (no forwarded output cap, unmeasurable
-- media reserved at the documented bounds).
--
-- Tenants and keys are soft-deleted (V5): their rows stay with them; a hard delete takes them along (ON DELETE
-- CASCADE), and a key budget can only name a key of the same tenant (the composite foreign key of V10's unique key).

CREATE FUNCTION budget_alert_percents_valid(percents integer[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (cardinality(percents) = 0 OR array_ndims(percents) = 1)
        AND NOT EXISTS (SELECT 1
                        FROM (SELECT percent, lag(percent) OVER (ORDER BY i) AS previous
                              FROM unnest(percents) WITH ORDINALITY AS p(percent, i)) ordered
                        WHERE percent IS NULL OR percent NOT BETWEEN 1 AND 100 OR percent <= previous)
$$;

CREATE TABLE budgets (
    id             uuid         PRIMARY KEY,
    tenant_id      uuid         NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    scope          varchar(8)   NOT NULL,
    api_key_id     uuid         NULL,
    end_user       varchar(128) NULL,
    period         varchar(8)   NOT NULL,
    zone           varchar(64)  NOT NULL,
    limit_micros   bigint       NOT NULL,
    alert_percents integer[]    NOT NULL,
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    CONSTRAINT budgets_one_per_slot UNIQUE NULLS NOT DISTINCT (tenant_id, scope, api_key_id, end_user, period),
    CONSTRAINT budgets_key_of_tenant FOREIGN KEY (api_key_id, tenant_id)
        REFERENCES api_keys (id, tenant_id) ON DELETE CASCADE,
    CONSTRAINT budgets_scope_known CHECK (scope IN ('TENANT', 'API_KEY', 'END_USER')),
    CONSTRAINT budgets_scope_matches_key CHECK ((scope = 'API_KEY') = (api_key_id IS NOT NULL)),
    CONSTRAINT budgets_scope_matches_end_user CHECK ((scope = 'END_USER') = (end_user IS NOT NULL)),
    CONSTRAINT budgets_end_user_stripped CHECK (length(end_user) > 0 AND end_user = btrim(end_user, E' \t\r\n')),
    CONSTRAINT budgets_period_known CHECK (period IN ('DAILY', 'WEEKLY', 'MONTHLY', 'LIFETIME')),
    CONSTRAINT budgets_zone_not_blank CHECK (length(btrim(zone)) > 0),
    CONSTRAINT budgets_limit_positive CHECK (limit_micros > 0),
    CONSTRAINT budgets_alert_percents_valid CHECK (budget_alert_percents_valid(alert_percents)),
    CONSTRAINT budgets_updated_after_created CHECK (updated_at >= created_at)
);

CREATE INDEX budgets_by_key ON budgets (api_key_id) WHERE api_key_id IS NOT NULL;

CREATE TABLE spending_policies (
    tenant_id               uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    forwarded_output_cap    bigint      NULL,
    refuse_unmeasured_media boolean     NOT NULL,
    updated_at              timestamptz NOT NULL,
    CONSTRAINT spending_policies_cap_positive CHECK (forwarded_output_cap > 0)
);
