package dev.gemgate.domain.fakes;

import dev.gemgate.domain.quota.QuotaDecision;
import dev.gemgate.domain.quota.QuotaLimiter;
import dev.gemgate.domain.quota.QuotaRequest;
import dev.gemgate.domain.quota.QuotaTicket;
import dev.gemgate.domain.quota.RateLimit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-process limiter over a fixed allowance of requests, for use-case tests: it admits until the allowance is
 * spent, then refuses with a fixed retry-after, and records every admission and correction.
 */
public final class CountingQuotaLimiter implements QuotaLimiter {
    private final AtomicLong remainingRequests;
    private final Duration retryAfter;
    public final List<QuotaRequest> admitted = new CopyOnWriteArrayList<>();
    public final List<Long> corrections = new CopyOnWriteArrayList<>();
    /** Admissions against limits the caller gave (the upstream's), admitted without counting. */
    public final List<List<RateLimit>> admittedAgainst = new CopyOnWriteArrayList<>();

    public CountingQuotaLimiter(long allowance, Duration retryAfter) {
        this.remainingRequests = new AtomicLong(allowance);
        this.retryAfter = retryAfter;
    }

    public static CountingQuotaLimiter unlimited() {
        return new CountingQuotaLimiter(Long.MAX_VALUE, Duration.ZERO);
    }

    @Override
    public QuotaDecision admit(QuotaRequest request, Instant now) {
        if (remainingRequests.getAndUpdate(r -> r >= request.requests() ? r - request.requests() : r) < request.requests()) {
            return new QuotaDecision.Refused("RequestsPerMinutePerTenant", retryAfter,
                    "tenant:" + request.tenant() + ":rpm");
        }
        admitted.add(request);
        return new QuotaDecision.Admitted(new QuotaTicket(request));
    }

    @Override
    public QuotaDecision admit(QuotaRequest request, List<RateLimit> limits, Instant now) {
        admittedAgainst.add(List.copyOf(limits));
        return new QuotaDecision.Admitted(new QuotaTicket(request));
    }

    @Override
    public void correct(QuotaTicket ticket, long actualTokens, Instant now) {
        corrections.add(actualTokens);
    }
}
