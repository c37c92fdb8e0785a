package dev.gemgate.application.alert;

import dev.gemgate.domain.alert.AlertDeliveryStore;
import dev.gemgate.domain.alert.DeliveryPage;
import dev.gemgate.domain.alert.DeliverySearch;
import dev.gemgate.domain.alert.DeliveryStatus;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;

import java.util.Optional;

/**
 * A page of webhook deliveries, newest first, optionally of one tenant and one status, after a position (the previous
 * page's end). A read: not audited. Deliveries recorded while a webhook was configured stay listed after it is removed.
 */
public final class ListAlertDeliveries {
    public static final int MAX_PAGE_SIZE = DeliverySearch.MAX_LIMIT;

    public record Query(Optional<TenantId> tenant, Optional<DeliveryStatus> status, int limit,
                        Optional<DeliverySearch.Position> after) {
        public Query {
            if (limit < 1 || limit > MAX_PAGE_SIZE) {
                throw InvalidRequestException.forField("limit", "must be 1 to " + MAX_PAGE_SIZE);
            }
            if (tenant == null || status == null || after == null) {
                throw new IllegalArgumentException("query fields are required (use Optional.empty)");
            }
        }
    }

    private final AlertDeliveryStore store;

    public ListAlertDeliveries(AlertDeliveryStore store) {
        this.store = store;
    }

    public DeliveryPage execute(Query query) {
        return store.search(new DeliverySearch(query.tenant(), query.status(), query.limit(), query.after()));
    }
}
