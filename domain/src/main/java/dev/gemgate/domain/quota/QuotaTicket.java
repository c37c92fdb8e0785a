package dev.gemgate.domain.quota;

/** Proof of an admission, carrying what was charged so the limiter can correct it with the actual tokens. */
public record QuotaTicket(QuotaRequest charged) {
}
