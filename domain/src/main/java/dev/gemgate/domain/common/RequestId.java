package dev.gemgate.domain.common;

/** The id of one gateway request, echoed as {@code x-request-id} and stored on its audit event and ledger rows. */
public record RequestId(String value) {
    public RequestId {
        if (value == null || value.isBlank() || value.length() > 128) {
            throw new IllegalArgumentException("a request id has 1 to 128 characters");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
