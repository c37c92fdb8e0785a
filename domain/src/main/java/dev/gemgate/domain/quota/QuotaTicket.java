package dev.gemgate.domain.quota;

import java.util.List;

/**
 * Proof of an admission, carrying what was charged so the limiter can correct it with the actual tokens:
 * {@code tokenBuckets} are the buckets the estimated tokens were taken from (empty when no token limit applied),
 * {@code permits} the concurrency permits the request holds until it finishes ({@link HeldPermits#NONE} if none).
 */
public record QuotaTicket(QuotaRequest charged, List<Bucket> tokenBuckets, HeldPermits permits) {
    public QuotaTicket {
        if (charged == null || tokenBuckets == null || permits == null) {
            throw new IllegalArgumentException("charged request, token buckets and permits are required");
        }
        tokenBuckets = List.copyOf(tokenBuckets);
    }

    /** An admission that holds no concurrency permit. */
    public QuotaTicket(QuotaRequest charged, List<Bucket> tokenBuckets) {
        this(charged, tokenBuckets, HeldPermits.NONE);
    }

    /** This ticket, also holding {@code held}. */
    public QuotaTicket withPermits(HeldPermits held) {
        return new QuotaTicket(charged, tokenBuckets, held);
    }

    /** An admission that took tokens from no bucket. */
    public QuotaTicket(QuotaRequest charged) {
        this(charged, List.of());
    }
}
