package dev.gemgate.adapter.web;

/**
 * How large a tenant request body may be, checked from {@code Content-Length} after authentication and before a byte
 * of the body is read. Follows Gemini's inline limit: base64 inflates inline data by 4/3, plus room for the JSON
 * around it.
 */
public record TenantRequestLimits(long maxBodyBytes) {
    public TenantRequestLimits {
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the body limit must be at least 1 KiB");
        }
    }

    public static TenantRequestLimits forInlineBytes(long maxInlineBytes) {
        return new TenantRequestLimits(Math.addExact(Math.multiplyExact(Math.ceilDiv(maxInlineBytes, 3), 4),
                1024 * 1024));
    }
}
