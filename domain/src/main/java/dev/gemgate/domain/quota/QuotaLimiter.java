package dev.gemgate.domain.quota;

import java.time.Instant;
import java.util.List;

/**
 * Port: admits or refuses a request's requests-per-minute, tokens-per-minute and requests-per-day cost, and its
 * requests in flight, for a tenant, a tenant x model and an API key, correctly across replicas.
 */
public interface QuotaLimiter {
    QuotaDecision admit(QuotaRequest request, Instant now);

    /**
     * Admits {@code request}'s cost (its requests and tokens) against {@code limits} chosen by the caller rather than
     * the tenant's: the upstream's limits per credential x model ({@code UpstreamLimits}), fleet-wide like the others.
     * Nothing is counted when {@code limits} is empty.
     */
    QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now);

    /** Replaces the estimated tokens of an admitted request with the actual ones. */
    void correct(QuotaTicket ticket, long actualTokens, Instant now);

    /**
     * The admitted request is over (settled, failed or abandoned; a stream at its end): corrects its tokens
     * ({@link #correct}) and returns the concurrency permits it holds. Called once per admitted request, by its
     * ticket's single close; the permits are returned once even if it were called again. A failure to correct the
     * tokens does not keep the permits.
     */
    default void finish(QuotaTicket ticket, long actualTokens, Instant now) {
        try {
            correct(ticket, actualTokens, now);
        } finally {
            ticket.permits().giveBack(now);
        }
    }
}
