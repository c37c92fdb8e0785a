package dev.gemgate.domain.quota;

import java.time.Instant;

/**
 * Port: admits or refuses a request's requests-per-minute, tokens-per-minute and requests-per-day cost for a tenant
 * and a tenant x model, correctly across replicas.
 */
public interface QuotaLimiter {
    QuotaDecision admit(QuotaRequest request, Instant now);

    /** Replaces the estimated tokens of an admitted request with the actual ones. */
    void correct(QuotaTicket ticket, long actualTokens, Instant now);
}
