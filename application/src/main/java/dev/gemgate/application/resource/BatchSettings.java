package dev.gemgate.application.resource;

import java.time.Duration;

/**
 * How Gemgate follows the batch jobs it created ({@code gemgate.batches.*}).
 *
 * @param reservationTtl how long a job's budget reservation is held before it expires and is charged its amount (a
 *                       job Gemgate could not settle by then); longer than Google runs a job (it expires one after
 *                       48 hours)
 * @param firstPoll      the first poll of a new job comes this long after its creation
 * @param maxPollGap     polls back off, doubling from {@code firstPoll}, to at most this gap
 * @param pollLease      a replica polling a job holds it this long; a replica that dies mid-poll lets another take the
 *                       job over after it
 * @param pollBatch      at most this many jobs are polled per round by one replica
 * @param callTimeout    one upstream call of the poller (a get, a results file read)
 * @param fileOutputTokensPerRequest the output a request of an input file is reserved for (the gateway does not read
 *                       the file): see {@link BatchCreate}
 */
public record BatchSettings(Duration reservationTtl, Duration firstPoll, Duration maxPollGap, Duration pollLease,
                            int pollBatch, Duration callTimeout, long fileOutputTokensPerRequest) {
    public static final BatchSettings DEFAULTS = new BatchSettings(Duration.ofHours(72), Duration.ofSeconds(30),
            Duration.ofMinutes(10), Duration.ofMinutes(2), 50, Duration.ofSeconds(60), 8192);

    public BatchSettings {
        for (Duration d : new Duration[] {reservationTtl, firstPoll, maxPollGap, pollLease, callTimeout}) {
            if (d == null || !d.isPositive()) {
                throw new IllegalArgumentException("batch durations must be positive");
            }
        }
        if (maxPollGap.compareTo(firstPoll) < 0 || pollBatch < 1 || fileOutputTokensPerRequest < 1) {
            throw new IllegalArgumentException("max-poll-gap >= first-poll, poll-batch >= 1, file output >= 1");
        }
    }

    /** The gap before poll number {@code polls + 1}: {@code firstPoll} doubled per poll so far, at most the max. */
    public Duration gapAfter(int polls) {
        Duration gap = firstPoll;
        for (int i = 0; i < polls && gap.compareTo(maxPollGap) < 0; i++) {
            gap = gap.multipliedBy(2);
        }
        return gap.compareTo(maxPollGap) > 0 ? maxPollGap : gap;
    }
}
