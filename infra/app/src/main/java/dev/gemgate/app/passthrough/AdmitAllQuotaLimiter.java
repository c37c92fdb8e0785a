package dev.gemgate.app.passthrough;

import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * The quota seam before rate limits exist: admits everything. Replaced by the PostgreSQL-leased limiter of the quota
 * issue; the use case already calls it at the right step and corrects it after the call.
 */
@ApplicationScoped
public class AdmitAllQuotaLimiter implements QuotaLimiter {
    @Override
    public QuotaDecision admit(QuotaRequest request, Instant now) {
        return new QuotaDecision.Admitted(new QuotaTicket(request));
    }

    @Override
    public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        // nothing is counted yet, so there is nothing to correct
    }
}
