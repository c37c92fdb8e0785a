package dev.gemgate.domain.audit;

public enum AuditEventType {
    GENERATE_CONTENT, COUNT_TOKENS, LIST_MODELS, EMBED_CONTENT,
    TENANT_CREATED, API_KEY_ISSUED, API_KEY_REVOKED,
    /** Failed tenant authentications, sampled: at most one event per source and reason per window, with a count. */
    AUTHENTICATION_FAILED
}
