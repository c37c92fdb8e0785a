package dev.gemgate.application.generation;

/** What the caller asked of the response cache ({@code Cache-Control}). */
public enum CacheDirective {
    /** Serve from the cache when possible, store the answer. */
    DEFAULT,
    /** {@code no-cache}: do not serve from the cache, but store the fresh answer. */
    BYPASS,
    /** {@code no-store}: neither read nor write the cache. */
    NO_STORE
}
