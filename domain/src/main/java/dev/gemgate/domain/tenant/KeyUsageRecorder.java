package dev.gemgate.domain.tenant;

import java.time.Instant;

/**
 * Port: notes that a key was used, for its "last used" time. Called on every authenticated request, so it must not
 * block or write per call: adapters collect the latest time per key in memory and write them in batches (the time
 * shown is then late by at most the batch interval, and a crash loses at most one interval of it).
 */
public interface KeyUsageRecorder {
    void used(ApiKeyId key, Instant at);

    KeyUsageRecorder NONE = (key, at) -> {
    };
}
