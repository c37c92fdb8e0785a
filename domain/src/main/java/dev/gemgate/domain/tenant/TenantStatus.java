package dev.gemgate.domain.tenant;

public enum TenantStatus { ACTIVE, SUSPENDED }
