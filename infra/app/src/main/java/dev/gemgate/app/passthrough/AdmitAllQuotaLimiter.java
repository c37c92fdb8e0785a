package dev.gemgate.app.passthrough;

import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import dev.gemgate.domain.quota.RateLimit;

import java.time.Instant;
import java.util.List;

/**
 * Admits everything: the limiter {@link dev.gemgate.app.QuotaWiring} falls back to when no {@code AllowanceStore} is
 * available to lease rate limits from (it warns at start-up if limits are configured then).
 */
public class AdmitAllQuotaLimiter implements QuotaLimiter {
    @Override
    public QuotaDecision admit(QuotaRequest request, Instant now) {
        return new QuotaDecision.Admitted(new QuotaTicket(request));
    }

    @Override
    public QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now) {
        return new QuotaDecision.Admitted(new QuotaTicket(request));
    }

    @Override
    public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        // nothing is counted yet, so there is nothing to correct
    }
}
