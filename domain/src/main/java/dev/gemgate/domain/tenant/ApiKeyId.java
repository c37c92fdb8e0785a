package dev.gemgate.domain.tenant;

import java.util.UUID;

public record ApiKeyId(UUID value) {
    public ApiKeyId {
        if (value == null) {
            throw new IllegalArgumentException("api key id is required");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
