package dev.gemgate.domain.common;

import java.util.UUID;

/** Port: fresh identifiers, so that tests can make them predictable. */
public interface IdGenerator {
    UUID newUuid();

    default RequestId newRequestId() {
        return new RequestId(newUuid().toString());
    }
}
