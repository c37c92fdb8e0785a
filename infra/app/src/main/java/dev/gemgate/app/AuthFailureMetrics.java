package dev.gemgate.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gemgate_auth_failures_total{reason}}: refused tenant credentials, so that a brute-force attempt shows on a
 * dashboard. The reason is one of {@link #REASONS}; anything else is counted as {@code other}, so the label stays
 * bounded whatever a caller passes. Every reason's series exists from start-up at 0, so {@code rate()} and alerts work
 * before the first failure and the scrape never grows. No tenant label: a failed authentication has no trustworthy
 * tenant, and a key is a secret.
 */
@Singleton
@Startup
public class AuthFailureMetrics {
    /** No key in the request (401). */
    public static final String MISSING = "missing";
    /** Not shaped like a Gemgate key (401). */
    public static final String MALFORMED = "malformed";
    /** Well-formed but not a key Gemgate issued (401). */
    public static final String UNKNOWN = "unknown";
    /** More than one credential, or different ones in different places (refused as ambiguous). */
    public static final String AMBIGUOUS = "ambiguous";
    /** A revoked key (403). */
    public static final String REVOKED = "revoked";
    /** A rotated key past its grace period (403). */
    public static final String EXPIRED = "expired";
    /** A valid key of a suspended tenant, or of no tenant (403). */
    public static final String SUSPENDED = "suspended";
    /** A key of a deleted tenant (403). */
    public static final String DELETED = "deleted";
    /** A key whose scope does not allow the surface asked for (403). */
    public static final String SCOPE_SURFACE = "scope-surface";
    /** A key whose scope does not allow the client's address (403). */
    public static final String SCOPE_ADDRESS = "scope-address";
    /** The key could not be checked (e.g. the database is unreachable, 503). */
    public static final String UNAVAILABLE = "unavailable";
    /** Any reason not in this list. */
    public static final String OTHER = "other";

    public static final List<String> REASONS =
            List.of(MISSING, MALFORMED, UNKNOWN, AMBIGUOUS, REVOKED, EXPIRED, SUSPENDED, DELETED, SCOPE_SURFACE,
                    SCOPE_ADDRESS, UNAVAILABLE, OTHER);

    private final Map<String, Counter> counters = new LinkedHashMap<>();

    public AuthFailureMetrics(MeterRegistry registry) {
        for (String reason : REASONS) {
            counters.put(reason, Counter.builder("gemgate.auth.failures")
                    .description("Tenant requests refused because their credential was missing or not valid")
                    .tag("reason", reason).register(registry));
        }
    }

    /** Counts one refused credential; {@code reason} is one of {@link #REASONS} (case-insensitive), else "other". */
    public void recordAuthFailure(String reason) {
        Counter counter = reason == null ? null : counters.get(reason.toLowerCase(Locale.ROOT));
        (counter == null ? counters.get(OTHER) : counter).increment();
    }
}
