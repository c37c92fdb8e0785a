-- The admin portal's audit log filters by the admin who acted (PostgresAuditSearch: actor = ? AND actor_name IS NOT
-- NULL, newest first by time then id). Admin actions are a sliver of the table, which is mostly request events, so
-- without this a rare actor's page would walk the whole time index. Partial: the request path's inserts (no
-- actor_name) never touch it.
CREATE INDEX audit_events_admin_by_actor ON audit_events (actor, occurred_at DESC, id DESC)
    WHERE actor_name IS NOT NULL;
