package dev.gemgate.domain.alert;

/**
 * Where an alert's webhook delivery stands: {@code PENDING} (an attempt is due at {@code nextAttemptAt}, or one is in
 * flight), {@code DELIVERED} (the receiver answered 2xx) or {@code FAILED} (given up: attempts exhausted, or the receiver
 * refused it for good with a 4xx other than 408 and 429).
 */
public enum DeliveryStatus { PENDING, DELIVERED, FAILED }
