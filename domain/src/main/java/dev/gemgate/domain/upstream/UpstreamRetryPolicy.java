package dev.gemgate.domain.upstream;

import dev.gemgate.domain.common.Backoff;
import dev.gemgate.domain.common.UpstreamException;

import java.time.Duration;
import java.time.Instant;

/**
 * Which upstream failures are tried again, how many times and after what wait, within a request's deadline.
 *
 * <ul>
 *   <li>Retried: 429, 500, 502, 503, 504, a reset connection and an upstream timeout (the {@link UpstreamException}
 *   kinds RATE_LIMITED, UNAVAILABLE, TIMEOUT), and, on another credential only, a credential Google rejected
 *   (401/403) or one Gemgate holds back (open circuit, full bulkhead). Never a request Google refused (400, 404),
 *   and never a stream that has begun reaching the client.</li>
 *   <li>At most {@code maxAttempts} attempts per model, each paid from the {@link RetryBudget} after the first.</li>
 *   <li>The wait before retrying the same credential after a 5xx or a timeout: {@link Backoff} (exponential, equal
 *   jitter). After a 429, the upstream's own delay ({@code RetryInfo.retryDelay}, or the default cooldown) is
 *   honoured by the {@link UpstreamGate}, which holds the credential x model closed for that long; another
 *   credential is tried at once.</li>
 *   <li>No wait and no attempt outlives the deadline: a wait that would end later than {@link #MIN_ATTEMPT} before
 *   the deadline is not made, and the failure is answered.</li>
 * </ul>
 */
public record UpstreamRetryPolicy(int maxAttempts, Backoff backoff) {
    /** The least time worth starting an attempt with: less than this before the deadline, none is started. */
    public static final Duration MIN_ATTEMPT = Duration.ofMillis(50);

    public static final UpstreamRetryPolicy DEFAULT = new UpstreamRetryPolicy(3,
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)));

    public UpstreamRetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 10 || backoff == null) {
            throw new IllegalArgumentException("from 1 to 10 attempts, and a backoff: " + maxAttempts);
        }
    }

    /** Whether {@code failure} may be tried again at all (on this or another credential). */
    public static boolean retryable(UpstreamException failure) {
        return failure.kind().retryable() || failure.kind() == UpstreamException.Kind.CREDENTIAL_REJECTED;
    }

    /** Whether {@code failure} concerns only the credential it was made with, so another one may be tried at once. */
    public static boolean credentialBound(UpstreamException failure) {
        return switch (failure.kind()) {
            case RATE_LIMITED, CREDENTIAL_REJECTED, CIRCUIT_OPEN, CREDENTIAL_BUSY -> true;
            default -> false;
        };
    }

    /**
     * Whether the same credential may be tried again after {@code failure} when no other is left: not after Gemgate's
     * own holding back (an open circuit, a full bulkhead) or a key Google rejected, which would only fail again at
     * once; a 429 may (the gate makes the attempt wait for its delay), as may a 5xx or a timeout after the backoff.
     */
    public static boolean worthRepeatingOnSameCredential(UpstreamException failure) {
        return switch (failure.kind()) {
            case CIRCUIT_OPEN, CREDENTIAL_BUSY, CREDENTIAL_REJECTED -> false;
            default -> true;
        };
    }

    /**
     * The wait before retrying the same credential after {@code failure}, the {@code failures}-th of the request
     * (1-based): zero for a credential-bound failure (the gate waits for a 429's delay), else the backoff, and at
     * least the delay the upstream asked for ({@code Retry-After} on a 5xx). {@code random} is uniform in [0, 1).
     */
    public Duration waitBefore(int failures, UpstreamException failure, double random) {
        if (credentialBound(failure)) {
            return Duration.ZERO;
        }
        Duration backedOff = backoff.after(failures, random);
        return failure.retryDelay().filter(asked -> asked.compareTo(backedOff) > 0).orElse(backedOff);
    }

    /** Whether an attempt may still start after waiting {@code wait} from {@code now}, before {@code deadline}. */
    public static boolean fits(Instant now, Duration wait, Instant deadline) {
        return !now.plus(wait).plus(MIN_ATTEMPT).isAfter(deadline);
    }
}
