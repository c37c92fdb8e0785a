package dev.gemgate.domain.quota;

import java.time.Duration;

/** The limiter's answer. */
public sealed interface QuotaDecision {
    /** Admitted; {@code ticket} is handed back to correct the token count once the real usage is known. */
    record Admitted(QuotaTicket ticket) implements QuotaDecision {
    }

    /** Refused by {@code limit} (e.g. {@code requests-per-minute}); it would fit after {@code retryAfter}. */
    record Refused(String limit, Duration retryAfter) implements QuotaDecision {
    }
}
