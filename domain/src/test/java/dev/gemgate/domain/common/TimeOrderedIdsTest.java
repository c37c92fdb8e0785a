package dev.gemgate.domain.common;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's ids ({@link IdGenerator#timeOrderedUuid}, the producer's and the ledger's): version 7 UUIDs,
 * ordered by the millisecond they were made in.
 */
class TimeOrderedIdsTest {
    @Test
    void idsAreVersion7WithTheirMillisecondInFrontAndNeverRepeat() {
        long before = System.currentTimeMillis();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(IdGenerator.timeOrderedUuid());
        }
        long after = System.currentTimeMillis();

        assertThat(ids).allSatisfy(id -> {
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
        });
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
    }

    @Test
    void anIdMadeInALaterMillisecondSortsAfterAnEarlierOne() throws InterruptedException {
        UUID first = IdGenerator.timeOrderedUuid();
        Thread.sleep(2);
        UUID second = IdGenerator.timeOrderedUuid();

        // PostgreSQL orders uuid values bytewise; as unsigned numbers, so does this comparison of the high halves
        assertThat(Long.compareUnsigned(first.getMostSignificantBits(), second.getMostSignificantBits())).isNegative();
        assertThat(first.toString()).isLessThan(second.toString());
    }
}
