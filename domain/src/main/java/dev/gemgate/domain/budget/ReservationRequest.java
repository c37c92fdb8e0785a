package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Optional;

/** The estimated cost of one request, to hold against every budget that applies before calling the upstream. */
public record ReservationRequest(RequestId requestId, TenantId tenant, Optional<String> endUser, Money estimate) {
    public ReservationRequest {
        if (requestId == null || tenant == null || endUser == null || estimate == null) {
            throw new IllegalArgumentException("reservation fields are required");
        }
    }
}
