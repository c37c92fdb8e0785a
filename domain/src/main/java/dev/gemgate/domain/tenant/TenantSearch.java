package dev.gemgate.domain.tenant;

import java.util.Optional;

/**
 * A page of tenants, oldest first: those whose name contains {@code nameContains} (ignoring case), deleted ones only
 * if asked.
 */
public record TenantSearch(Optional<String> nameContains, boolean includeDeleted, int offset, int limit) {
    public static final int MAX_LIMIT = 500;

    public TenantSearch {
        if (nameContains == null) {
            throw new IllegalArgumentException("nameContains is required (may be empty)");
        }
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("offset >= 0 and 1 <= limit <= " + MAX_LIMIT);
        }
        nameContains = nameContains.map(String::strip).filter(s -> !s.isEmpty());
    }

    /** Whether {@code tenant} belongs in this search's results (the in-memory definition the adapters follow). */
    public boolean matches(Tenant tenant) {
        return (includeDeleted || !tenant.isDeleted())
                && nameContains.map(q -> tenant.name().toLowerCase(java.util.Locale.ROOT)
                .contains(q.toLowerCase(java.util.Locale.ROOT))).orElse(true);
    }
}
