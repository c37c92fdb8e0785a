package dev.gemgate.domain.tenant;

import java.util.Optional;

/** What a presented key's hash resolves to on the hot path: the key and the tenant it belongs to (if it still exists). */
public record KeyGrant(ApiKey key, Optional<Tenant> tenant) {
    public KeyGrant {
        if (key == null || tenant == null) {
            throw new IllegalArgumentException("key and tenant are required (tenant may be empty)");
        }
    }
}
