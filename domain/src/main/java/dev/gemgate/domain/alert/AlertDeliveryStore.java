package dev.gemgate.domain.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Port: the durable record of webhook deliveries, shared by every replica, so that retries survive a restart and no
 * attempt is made twice.
 */
public interface AlertDeliveryStore {
    /** Records a new delivery; adding the same id again changes nothing (an alert retried after a failure). */
    void add(AlertDelivery delivery);

    /**
     * Claims up to {@code max} pending deliveries due at {@code now} (oldest due first) for one attempt each: their
     * {@code attempts} go up by one and their next attempt moves to {@code now + lease}, so no other replica claims them
     * meanwhile; one a replica claims, any other concurrent claim skips. A claim whose owner dies is due again once the
     * lease is over. Returns the claimed deliveries as they are after the claim ({@code attempts} is this attempt's
     * number).
     */
    List<AlertDelivery> claimDue(Instant now, int max, Duration lease);

    /**
     * Records how attempt {@code attempt} of delivery {@code id} went; false (and nothing changed) when that is no
     * longer the delivery's current attempt (its lease ran out and another replica claimed it) or it is no longer
     * pending.
     */
    boolean record(UUID id, int attempt, AttemptResult result);

    DeliveryPage search(DeliverySearch search);
}
