package dev.gemgate.domain.tenant;

/**
 * {@code SUSPENDED}: kept, its keys refused until it is resumed. {@code DELETED}: soft-deleted, kept for the audit
 * trail; its keys are refused for good and its name is free for a new tenant.
 */
public enum TenantStatus { ACTIVE, SUSPENDED, DELETED }
