package dev.gemgate.domain.quota;

import java.time.Instant;
import java.util.List;

/**
 * Port: admits or refuses a request's requests-per-minute, tokens-per-minute and requests-per-day cost for a tenant
 * and a tenant x model, correctly across replicas.
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
}
