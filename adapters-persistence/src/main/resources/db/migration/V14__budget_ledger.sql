-- The fleet-wide budget ledger (the domain's BudgetStore, issue 15).
--
-- budget_accounts: one row per budget and period (the account key names both, so a new period is a new row and a
-- reset writes nothing). leased_micros is the money replicas leased out of the account: a lease is one
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING that never takes it above the limit; a give-back one UPDATE. Replicas
-- go to this row once per slice, never once per request. granted_micros is what the latest lease granted (RETURNING
-- sees only the new row).
--
-- budget_reservations and budget_settlements are the ledger: append-only (a trigger refuses UPDATE and DELETE), one
-- reservation per request id, at most one settlement per reservation (its primary key: a reservation is charged once,
-- whether by its settlement, its release or its expiry). The settled spend of an account is the sum of the
-- settlements of the reservations that name it: rebuilt from these rows alone.

CREATE TABLE budget_accounts (
    account_key         varchar(400) PRIMARY KEY,
    budget_limit_micros bigint       NOT NULL,
    leased_micros       bigint       NOT NULL,
    granted_micros      bigint       NOT NULL,
    alert_percents      integer[]    NOT NULL,
    CONSTRAINT budget_accounts_key_not_blank CHECK (length(btrim(account_key)) > 0),
    CONSTRAINT budget_accounts_limit_positive CHECK (budget_limit_micros > 0),
    CONSTRAINT budget_accounts_leased_not_negative CHECK (leased_micros >= 0),
    CONSTRAINT budget_accounts_granted_not_negative CHECK (granted_micros >= 0)
) WITH (fillfactor = 50);

CREATE TABLE budget_reservations (
    reservation_id uuid           PRIMARY KEY,
    request_id     varchar(128)   NOT NULL UNIQUE,
    account_keys   varchar(400)[] NOT NULL,
    amount_micros  bigint         NOT NULL,
    holder         varchar(200)   NOT NULL,
    reserved_at    timestamptz    NOT NULL,
    expires_at     timestamptz    NOT NULL,
    CONSTRAINT budget_reservations_amount_not_negative CHECK (amount_micros >= 0),
    CONSTRAINT budget_reservations_accounts_present CHECK (cardinality(account_keys) > 0),
    CONSTRAINT budget_reservations_expiry_after_reservation CHECK (expires_at > reserved_at)
);

-- the sweep reads reservations by expiry window; the balance rebuild by account
CREATE INDEX budget_reservations_expires_at ON budget_reservations (expires_at);
CREATE INDEX budget_reservations_accounts ON budget_reservations USING gin (account_keys);

CREATE TABLE budget_settlements (
    reservation_id uuid        PRIMARY KEY REFERENCES budget_reservations (reservation_id),
    amount_micros  bigint      NOT NULL,
    kind           varchar(16) NOT NULL,
    settled_at     timestamptz NOT NULL,
    CONSTRAINT budget_settlements_amount_not_negative CHECK (amount_micros >= 0),
    CONSTRAINT budget_settlements_kind_known CHECK (kind IN ('SETTLED', 'RELEASED', 'EXPIRED'))
);

CREATE FUNCTION budget_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'budget ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER budget_reservations_append_only BEFORE UPDATE OR DELETE ON budget_reservations
    FOR EACH ROW EXECUTE FUNCTION budget_ledger_append_only();
CREATE TRIGGER budget_settlements_append_only BEFORE UPDATE OR DELETE ON budget_settlements
    FOR EACH ROW EXECUTE FUNCTION budget_ledger_append_only();
