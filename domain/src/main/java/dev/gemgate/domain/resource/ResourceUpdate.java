package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.Money;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link TenantResources#update} changes: each present field replaces the stored value (absolute values, not
 * increments: a caller that settles in steps reads, adds and writes the total); absent fields stay as they are.
 * {@code sizeBytes}, {@code tokenCount} and {@code requestCount} apply only to their kind (files, caches, batches).
 */
public record ResourceUpdate(Optional<String> state, Optional<Instant> expireTime, OptionalLong sizeBytes,
                             OptionalLong tokenCount, OptionalLong requestCount, Optional<Money> reserved,
                             Optional<Money> settled, Optional<String> description) {
    private static final ResourceUpdate NONE = new ResourceUpdate(Optional.empty(), Optional.empty(),
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    public ResourceUpdate {
        if (state == null || expireTime == null || sizeBytes == null || tokenCount == null || requestCount == null
                || reserved == null || settled == null || description == null) {
            throw new IllegalArgumentException("update fields are required (Optional.empty to keep a value)");
        }
        state.ifPresent(TenantResource::checkState);
        for (OptionalLong n : new OptionalLong[] {sizeBytes, tokenCount, requestCount}) {
            if (n.isPresent() && n.getAsLong() < 0) {
                throw new IllegalArgumentException("a size or count cannot be negative");
            }
        }
    }

    /** Changes nothing (only {@code updatedAt}); start here and add with the {@code with...} methods. */
    public static ResourceUpdate none() {
        return NONE;
    }

    public ResourceUpdate withState(String value) {
        return new ResourceUpdate(Optional.of(value), expireTime, sizeBytes, tokenCount, requestCount, reserved,
                settled, description);
    }

    public ResourceUpdate withExpireTime(Instant value) {
        return new ResourceUpdate(state, Optional.of(value), sizeBytes, tokenCount, requestCount, reserved,
                settled, description);
    }

    public ResourceUpdate withSizeBytes(long value) {
        return new ResourceUpdate(state, expireTime, OptionalLong.of(value), tokenCount, requestCount, reserved,
                settled, description);
    }

    public ResourceUpdate withTokenCount(long value) {
        return new ResourceUpdate(state, expireTime, sizeBytes, OptionalLong.of(value), requestCount, reserved,
                settled, description);
    }

    public ResourceUpdate withRequestCount(long value) {
        return new ResourceUpdate(state, expireTime, sizeBytes, tokenCount, OptionalLong.of(value), reserved,
                settled, description);
    }

    public ResourceUpdate withReserved(Money value) {
        return new ResourceUpdate(state, expireTime, sizeBytes, tokenCount, requestCount, Optional.of(value),
                settled, description);
    }

    public ResourceUpdate withSettled(Money value) {
        return new ResourceUpdate(state, expireTime, sizeBytes, tokenCount, requestCount, reserved,
                Optional.of(value), description);
    }

    public ResourceUpdate withDescription(String json) {
        return new ResourceUpdate(state, expireTime, sizeBytes, tokenCount, requestCount, reserved, settled,
                Optional.of(json));
    }

    /** Refuses a count that does not apply to {@code kind} (a file has no token count). */
    public void checkApplies(ResourceKind kind) {
        TenantResource.checkQuantity("sizeBytes", sizeBytes, kind == ResourceKind.FILE);
        TenantResource.checkQuantity("tokenCount", tokenCount, kind == ResourceKind.CACHED_CONTENT);
        TenantResource.checkQuantity("requestCount", requestCount, kind == ResourceKind.BATCH);
    }
}
