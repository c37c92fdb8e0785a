package dev.gemgate.domain.tenant;

public enum ApiKeyStatus { ACTIVE, REVOKED }
