package dev.gemgate.domain.alert;

import java.util.List;
import java.util.Optional;

/** One page of a {@link DeliverySearch}; {@code next} is where the next page starts, absent on the last page. */
public record DeliveryPage(List<AlertDelivery> deliveries, Optional<DeliverySearch.Position> next) {
    public DeliveryPage {
        if (deliveries == null || next == null) {
            throw new IllegalArgumentException("page fields are required");
        }
        deliveries = List.copyOf(deliveries);
    }
}
