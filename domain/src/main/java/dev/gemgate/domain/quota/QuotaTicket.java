package dev.gemgate.domain.quota;

import java.util.List;

/**
 * Proof of an admission, carrying what was charged so the limiter can correct it with the actual tokens:
 * {@code tokenBuckets} are the buckets the estimated tokens were taken from (empty when no token limit applied).
 */
public record QuotaTicket(QuotaRequest charged, List<Bucket> tokenBuckets) {
    public QuotaTicket {
        if (charged == null || tokenBuckets == null) {
            throw new IllegalArgumentException("charged request and token buckets are required");
        }
        tokenBuckets = List.copyOf(tokenBuckets);
    }

    /** An admission that took tokens from no bucket. */
    public QuotaTicket(QuotaRequest charged) {
        this(charged, List.of());
    }
}
