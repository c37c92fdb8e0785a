package dev.gemgate.domain.waiting;

import java.util.Objects;

/**
 * One line of the {@link WaitingRoom}: the limit a waiting request needs room in. {@code key} says which limit of
 * whom (a rate-limit bucket key such as {@code tenant:<id>:rpm}, or an upstream credential x model); {@code kind} is
 * the bounded name of its kind (a limit name such as {@code RequestsPerMinutePerTenant}, or {@code upstream}), used
 * for metrics, so no tenant id ever becomes a label.
 */
public record Lane(String kind, String key) {
    public Lane {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if (kind.isBlank() || key.isBlank()) {
            throw new IllegalArgumentException("a lane has a kind and a key");
        }
    }
}
