package dev.gemgate.domain.audit;

public enum AuditEventType {
    GENERATE_CONTENT, STREAM_GENERATE_CONTENT, COUNT_TOKENS, LIST_MODELS, EMBED_CONTENT,
    /** Failed tenant authentications, sampled: at most one event per source and reason per window, with a count. */
    AUTHENTICATION_FAILED,
    /** Admin actions (with {@link AdminDetails}: who, from where, on what, before and after). */
    TENANT_CREATED, TENANT_UPDATED, TENANT_SUSPENDED, TENANT_RESUMED, TENANT_DELETED,
    API_KEY_ISSUED, API_KEY_ROTATED, API_KEY_REVOKED, API_KEY_SCOPES_CHANGED,
    /** A tenant's or a key's rate-limit override set, replaced or cleared (before and after in the details). */
    TENANT_RATE_LIMITS_CHANGED, API_KEY_RATE_LIMITS_CHANGED,
    MODEL_PRICE_ADDED,
    /** A tenant's, an API key's or an end user's budget set or removed (before and after in the details). */
    BUDGET_SET, BUDGET_REMOVED,
    /** A tenant's spending policy changed: how requests without maxOutputTokens and unmeasurable media are bounded. */
    SPENDING_POLICY_CHANGED,
    /** A budget's soft alert threshold was crossed (fleet-wide, once per crossing). */
    BUDGET_THRESHOLD_CROSSED,
    /** An upstream credential of the pool added, changed (status or weight) or deleted by an admin (never its secret). */
    UPSTREAM_CREDENTIAL_ADDED, UPSTREAM_CREDENTIAL_CHANGED, UPSTREAM_CREDENTIAL_DELETED,
    /** Google answered 401/403 to a pool credential: the pool stops using it (recorded by the pool, not an admin). */
    UPSTREAM_CREDENTIAL_REJECTED,
    /** An admin API request refused for its credentials or roles (recorded by the web layer). */
    ADMIN_ACCESS_DENIED,
    /** A tenant's fallback policy set or removed: strict mode and its own fallback chains per model. */
    FALLBACK_POLICY_CHANGED,
    /** A tenant's response-cache policy set or removed: its TTL and whether non-deterministic requests are cached. */
    CACHE_POLICY_CHANGED,
    /**
     * The Files API through the gateway: a resumable upload (one event when it finishes or fails), a file read, listed,
     * deleted or downloaded. Files are free; an upload's size is in its detail.
     */
    UPLOAD_FILE, GET_FILE, LIST_FILES, DELETE_FILE, DOWNLOAD_FILE,
    /**
     * Explicit context caches: created (its cached tokens are charged), read, listed, its TTL or expiry changed,
     * deleted; and {@link #CACHE_STORAGE_CHARGED}, the storage of a cache for the time it lived (recorded by the
     * gateway, not by a request, when the cache is deleted, shortened or expires, or the settlement sweep runs).
     */
    CREATE_CACHED_CONTENT, GET_CACHED_CONTENT, LIST_CACHED_CONTENTS, UPDATE_CACHED_CONTENT, DELETE_CACHED_CONTENT,
    CACHE_STORAGE_CHARGED,
    /**
     * The Batch API: a generation batch or an embedding batch created (its estimate reserved at the batch price),
     * read, listed, cancelled, deleted; and {@link #BATCH_SETTLED}, the charge of a finished batch from its results
     * (recorded by the gateway when it notices the end, not by a request).
     */
    BATCH_GENERATE_CONTENT, ASYNC_BATCH_EMBED_CONTENT, GET_BATCH, LIST_BATCHES, CANCEL_BATCH, DELETE_BATCH,
    BATCH_SETTLED
}
