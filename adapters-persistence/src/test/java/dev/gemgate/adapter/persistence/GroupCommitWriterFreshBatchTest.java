package dev.gemgate.adapter.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of a sink's two writes the writer uses: {@link GroupCommitWriter.BatchSink#writeFresh} only for the first
 * attempt at a batch of items just appended, {@link GroupCommitWriter.BatchSink#write} (the idempotent one) for
 * everything that may meet rows already written: a retry, whose commit may have succeeded unseen, and items written
 * one by one.
 */
class GroupCommitWriterFreshBatchTest {
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<SQLException> freshFailures = Collections.synchronizedList(new ArrayList<>());
    private GroupCommitWriter<String> writer;

    private final GroupCommitWriter.BatchSink<String> sink = new GroupCommitWriter.BatchSink<>() {
        @Override
        public void write(List<String> batch) {
            calls.add("write " + batch);
        }

        @Override
        public void writeFresh(List<String> batch) throws SQLException {
            calls.add("fresh " + batch);
            if (!freshFailures.isEmpty()) {
                throw freshFailures.removeFirst();
            }
        }
    };

    private GroupCommitWriter<String> start() {
        return start(Duration.ofMillis(1));
    }

    /** {@code window}: how long a batch waits for more items, unless someone waits for it. */
    private GroupCommitWriter<String> start(Duration window) {
        writer = new GroupCommitWriter<>(new GroupCommitWriter.Settings("test", 100, 10, window,
                Duration.ofSeconds(5), Duration.ofSeconds(5), List.of(Duration.ZERO), Duration.ofSeconds(1)),
                sink, null, Clock.systemUTC());
        writer.start();
        return writer;
    }

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    @Test
    void aBatchIsWrittenFreshOnce() {
        start().append("a", true);

        assertThat(calls).containsExactly("fresh [a]");
        assertThat(writer.writtenCount()).isEqualTo(1);
    }

    @Test
    void aRetryUsesTheIdempotentWrite() {
        freshFailures.add(new SQLException("connection lost during commit", "08006"));

        start().append("a", true);

        assertThat(calls).containsExactly("fresh [a]", "write [a]");
        assertThat(writer.writtenCount()).isEqualTo(1);
        assertThat(writer.lostCount()).isZero();
    }

    @Test
    void aBatchRefusedForItsDataGoesItemByItemThroughTheIdempotentWrite() {
        freshFailures.add(new SQLException("duplicate key", "23505"));
        start(Duration.ofMinutes(1));

        // one batch: appended without waiting (the window holds them), then flushed together
        writer.append("a", false);
        writer.append("b", false);
        writer.flush();

        assertThat(calls).containsExactly("fresh [a, b]", "write [a]", "write [b]");
        assertThat(writer.writtenCount()).isEqualTo(2);
        assertThat(writer.lostCount()).isZero();
    }
}
