package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Optional;

/**
 * The estimated cost of one request (an upper bound of what it can cost), to hold against every budget that applies
 * (the tenant's, the API key's, the end user's) before calling the upstream. The request id is the server's.
 */
public record ReservationRequest(RequestId requestId, TenantId tenant, Optional<ApiKeyId> apiKey,
                                 Optional<String> endUser, Money estimate) {
    public ReservationRequest {
        if (requestId == null || tenant == null || apiKey == null || endUser == null || estimate == null) {
            throw new IllegalArgumentException("reservation fields are required");
        }
    }

    /** A request without an API key's budget in view. */
    public ReservationRequest(RequestId requestId, TenantId tenant, Optional<String> endUser, Money estimate) {
        this(requestId, tenant, Optional.empty(), endUser, estimate);
    }
}
