package dev.gemgate.adapter.persistence;

import dev.gemgate.adapter.persistence.GroupCommitWriter.Chunk;
import dev.gemgate.adapter.persistence.GroupCommitWriter.Stamped;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spool's file format and bookkeeping, on real files (no database involved). */
class FileSpoolTest {
    /** Any text without line breaks is its own line. */
    private static final LineCodec<String> TEXT = new LineCodec<>() {
        @Override
        public String encode(String item) {
            return item;
        }

        @Override
        public String decode(String line) {
            return line;
        }
    };
    private static final Instant T0 = Instant.parse("2031-01-01T00:00:00Z");

    @TempDir
    Path directory;

    @Test
    void items_come_back_in_order_across_segments_and_acknowledged_segments_are_deleted() throws IOException {
        FileSpool<String> spool = FileSpool.open(directory, "t", TEXT, 200); // a few lines per segment
        for (int batch = 0; batch < 10; batch++) {
            spool.append(items(batch * 3, 3));
        }
        assertThat(spool.size()).isEqualTo(30);
        assertThat(spool.oldest()).contains(T0);
        int segments = spool.segmentFiles().size();
        assertThat(segments).isGreaterThan(3);

        List<String> replayed = new ArrayList<>();
        while (!spool.isEmpty()) {
            Chunk<String> chunk = spool.next(4);
            assertThat(chunk.unreadable()).isZero();
            chunk.items().forEach(i -> replayed.add(i.item()));
            spool.acknowledge(chunk);
            assertThat(spool.size()).isEqualTo(30 - replayed.size());
            if (!replayed.isEmpty() && replayed.size() < 30) {
                assertThat(spool.oldest()).contains(T0.plusSeconds(replayed.size()));
            }
        }

        assertThat(replayed).containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(i -> "item " + i).toList());
        assertThat(spool.size()).isZero();
        assertThat(spool.oldest()).isEmpty();
        assertThat(segmentFilesIn(directory)).isEmpty();
        spool.close();
    }

    @Test
    void an_unacknowledged_chunk_is_read_again_and_appends_never_go_behind_replay() throws IOException {
        FileSpool<String> spool = FileSpool.open(directory, "t", TEXT, FileSpool.DEFAULT_SEGMENT_BYTES);
        spool.append(items(0, 3));
        Chunk<String> first = spool.next(10);
        spool.append(items(3, 2)); // while the first segment is being replayed

        assertThat(spool.next(10).items()).extracting(Stamped::item).containsExactly("item 0", "item 1", "item 2");
        spool.acknowledge(first);
        Chunk<String> second = spool.next(10);
        assertThat(second.items()).extracting(Stamped::item).containsExactly("item 3", "item 4");
        spool.acknowledge(second);
        assertThat(spool.isEmpty()).isTrue();
        spool.close();
    }

    @Test
    void a_reopened_spool_has_what_the_last_one_left_and_skips_a_torn_tail_and_a_damaged_line() throws IOException {
        FileSpool<String> first = FileSpool.open(directory, "t", TEXT, FileSpool.DEFAULT_SEGMENT_BYTES);
        first.append(items(0, 5));
        Path segment = first.segmentFiles().getFirst();
        first.close();
        // A bit flipped inside the line of item 2, and half a line at the end (the process died mid-append).
        String text = Files.readString(segment, StandardCharsets.UTF_8);
        Files.writeString(segment, text.replace("item 2", "itam 2"), StandardCharsets.UTF_8);
        Files.writeString(segment, "S1\t0badc0de\t17", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        FileSpool<String> second = FileSpool.open(directory, "t", TEXT, FileSpool.DEFAULT_SEGMENT_BYTES);
        assertThat(second.size()).isEqualTo(4);
        second.append(items(5, 1));
        assertThat(second.segmentFiles()).hasSize(2); // never appended behind a torn tail

        Chunk<String> chunk = second.next(100);
        assertThat(chunk.items()).extracting(Stamped::item).containsExactly("item 0", "item 1", "item 3", "item 4");
        assertThat(chunk.unreadable()).isEqualTo(2);
        second.acknowledge(chunk);
        Chunk<String> rest = second.next(100);
        assertThat(rest.items()).extracting(Stamped::item).containsExactly("item 5");
        assertThat(rest.items().getFirst().at()).isEqualTo(T0.plusSeconds(5));
        second.acknowledge(rest);
        assertThat(segmentFilesIn(directory)).isEmpty();
        second.close();
    }

    @Test
    void a_spool_directory_serves_one_instance_at_a_time() throws IOException {
        FileSpool<String> owner = FileSpool.open(directory, "t", TEXT, FileSpool.DEFAULT_SEGMENT_BYTES);

        assertThatThrownBy(() -> FileSpool.open(directory, "t", TEXT, FileSpool.DEFAULT_SEGMENT_BYTES))
                .isInstanceOf(IOException.class).hasMessageContaining("in use");

        owner.close();
        FileSpool.open(directory, "t", TEXT, FileSpool.DEFAULT_SEGMENT_BYTES).close();
    }

    private static List<Stamped<String>> items(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> new Stamped<>("item " + i, T0.plusSeconds(i))).toList();
    }

    private static List<Path> segmentFilesIn(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(FileSpool.SUFFIX)).toList();
        }
    }
}
