package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Duration;
import java.util.Optional;

/**
 * The estimated cost of one request (an upper bound of what it can cost), to hold against every budget that applies
 * (the tenant's, the API key's, the end user's) before calling the upstream. The request id is the server's.
 * {@code holdFor}: how long the reservation lives before it expires (and is charged its amount); empty = the ledger's
 * own time to live. Work that outlives its request (a batch job, settled when Google has run it, hours later) holds
 * its reservation longer.
 */
public record ReservationRequest(RequestId requestId, TenantId tenant, Optional<ApiKeyId> apiKey,
                                 Optional<String> endUser, Money estimate, Optional<Duration> holdFor) {
    public ReservationRequest {
        if (requestId == null || tenant == null || apiKey == null || endUser == null || estimate == null
                || holdFor == null) {
            throw new IllegalArgumentException("reservation fields are required");
        }
        if (holdFor.isPresent() && !holdFor.get().isPositive()) {
            throw new IllegalArgumentException("a reservation is held for a positive time");
        }
    }

    /** A reservation held for the ledger's own time to live. */
    public ReservationRequest(RequestId requestId, TenantId tenant, Optional<ApiKeyId> apiKey,
                              Optional<String> endUser, Money estimate) {
        this(requestId, tenant, apiKey, endUser, estimate, Optional.empty());
    }

    /** A request without an API key's budget in view. */
    public ReservationRequest(RequestId requestId, TenantId tenant, Optional<String> endUser, Money estimate) {
        this(requestId, tenant, Optional.empty(), endUser, estimate);
    }
}
