package dev.gemgate.domain.alert;

import java.time.Instant;
import java.util.UUID;

/**
 * Port: POSTs an alert to the configured webhook, signed ({@link WebhookSignature}) for {@code timestamp}. Blocks
 * until the receiver answers or the request times out; never throws for a failed delivery (that is
 * {@link WebhookResponse.Unreachable}).
 */
public interface WebhookSender {
    WebhookResponse post(UUID eventId, Instant timestamp, String body);
}
