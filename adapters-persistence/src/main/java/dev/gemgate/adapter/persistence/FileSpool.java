package dev.gemgate.adapter.persistence;

import dev.gemgate.adapter.persistence.GroupCommitWriter.Chunk;
import dev.gemgate.adapter.persistence.GroupCommitWriter.Stamped;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A {@link GroupCommitWriter.Spool} in append-only files ("segments") of one directory:
 * {@code <prefix>-<sequence>.spool}, oldest first. Each batch is appended with one write and one {@code fdatasync};
 * a new segment's directory entry is forced too. Replay reads the oldest segment; a segment that is fully
 * acknowledged is deleted. Appends never go to a segment that replay has started reading, nor to one an earlier
 * process left behind, so a torn tail is only ever at the end of a segment.
 *
 * <p>One line per item: {@code S1 <tab> <crc32 of the rest, 8 hex> <tab> <epoch millis appended> <tab> <codec line>}.
 * A line without its newline (the process died during the write) or whose checksum does not match (a torn or
 * damaged block) is skipped and reported as unreadable, never misread. A failed append is cut off again
 * ({@code truncate}) and the segment is closed for appends.
 *
 * <p>The directory is locked ({@code <prefix>.lock}) for as long as the spool is open: two processes sharing one
 * spool would replay and delete each other's segments. Not thread-safe: the writer uses it under its own lock;
 * {@link #isEmpty()}, {@link #size()} and {@link #oldest()} may be read from any thread.
 */
final class FileSpool<T> implements GroupCommitWriter.Spool<T> {
    private static final Logger LOG = Logger.getLogger(FileSpool.class);
    static final String SUFFIX = ".spool";
    private static final String FRAME = "S1";
    static final long DEFAULT_SEGMENT_BYTES = 8L * 1024 * 1024;

    private static final class Segment {
        final Path path;
        long bytes;
        /** Readable items not yet acknowledged. */
        long remaining;
        Instant firstStamp;

        Segment(Path path) {
            this.path = path;
        }
    }

    /** The segment being replayed, read whole (segments are bounded), and how far it has been acknowledged. */
    private static final class Replay {
        final Segment segment;
        final byte[] bytes;
        int position;

        Replay(Segment segment, byte[] bytes) {
            this.segment = segment;
            this.bytes = bytes;
        }
    }

    private record Line<T>(Stamped<T> item, int next) {
    }

    private final Path directory;
    private final String prefix;
    private final Pattern segmentName;
    private final LineCodec<T> codec;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private long nextSequence;
    private Segment appendSegment;
    private FileChannel appendChannel;
    private Replay replay;
    private volatile long size;
    private volatile Instant oldest;
    private volatile boolean empty = true;

    private FileSpool(Path directory, String prefix, LineCodec<T> codec, long segmentBytes, FileChannel lockChannel,
                      FileLock lock) {
        this.directory = directory;
        this.prefix = prefix;
        this.segmentName = Pattern.compile(Pattern.quote(prefix) + "-(\\d{20})" + Pattern.quote(SUFFIX));
        this.codec = codec;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (creating it if needed) and locks the spool in {@code directory}, and reads what an earlier process left
     * there. Fails if another process, or another spool of this JVM, has it open.
     */
    static <T> FileSpool<T> open(Path directory, String prefix, LineCodec<T> codec, long segmentBytes) throws IOException {
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("segment size must be positive");
        }
        Path dir = directory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve(prefix + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the spool directory " + dir + " is in use by another process (or another instance"
                    + " in this one); each instance needs a spool directory of its own");
        }
        FileSpool<T> spool = new FileSpool<>(dir, prefix, codec, segmentBytes, lockChannel, lock);
        try {
            spool.scan();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    Path directory() {
        return directory;
    }

    /** Segment files currently on disk, oldest first. */
    List<Path> segmentFiles() {
        return segments.stream().map(s -> s.path).toList();
    }

    /** The readable items of one segment file, in order (for diagnostics and tests). */
    static <T> List<Stamped<T>> readSegment(Path file, LineCodec<T> codec) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<Stamped<T>> items = new ArrayList<>();
        for (int position = 0; position < bytes.length; ) {
            Line<T> line = read(bytes, position, codec);
            position = line.next();
            if (line.item() != null) {
                items.add(line.item());
            }
        }
        return items;
    }

    @Override
    public void append(List<Stamped<T>> items) throws IOException {
        if (items.isEmpty()) {
            return;
        }
        byte[] bytes = encode(items);
        if (appendSegment == null || appendSegment.bytes > 0 && appendSegment.bytes + bytes.length > segmentBytes) {
            startSegment();
        }
        long before = appendSegment.bytes;
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                appendChannel.write(buffer);
            }
            appendChannel.force(false);
        } catch (IOException e) {
            // Part of the batch may be on disk: cut it off so that no later line is glued to a torn one, and
            // append elsewhere from now on.
            try {
                appendChannel.truncate(before);
                appendChannel.force(false);
            } catch (IOException ignored) {
                // the missing newline or the checksum will tell the torn line on replay
            }
            sealAppendSegment();
            throw e;
        }
        Instant first = items.getFirst().at();
        appendSegment.bytes += bytes.length;
        appendSegment.remaining += items.size();
        if (appendSegment.firstStamp == null) {
            appendSegment.firstStamp = first;
        }
        Instant previous = oldest;
        oldest = previous == null || first.isBefore(previous) ? first : previous;
        size += items.size();
    }

    @Override
    public Chunk<T> next(int max) throws IOException {
        while (replay == null) {
            Segment first = segments.peekFirst();
            if (first == null) {
                return new Chunk<>(List.of(), 0, 0);
            }
            if (first == appendSegment) {
                sealAppendSegment(); // new appends go to a new segment, never behind replay's back
            }
            try {
                replay = new Replay(first, Files.readAllBytes(first.path));
            } catch (NoSuchFileException e) {
                LOG.errorf("spool segment %s disappeared; %d event(s) in it are gone", first.path, first.remaining);
                segments.removeFirst();
                refreshCounts();
            }
        }
        List<Stamped<T>> items = new ArrayList<>(Math.min(max, 1024));
        int unreadable = 0;
        int position = replay.position;
        while (position < replay.bytes.length && items.size() < max) {
            Line<T> line = read(replay.bytes, position, codec);
            position = line.next();
            if (line.item() == null) {
                unreadable++;
            } else {
                items.add(line.item());
            }
        }
        return new Chunk<>(items, unreadable, position);
    }

    @Override
    public void acknowledge(Chunk<T> chunk) throws IOException {
        if (replay == null) {
            return;
        }
        replay.position = (int) chunk.end();
        replay.segment.remaining = Math.max(0, replay.segment.remaining - chunk.items().size());
        if (replay.position >= replay.bytes.length) {
            Files.deleteIfExists(replay.segment.path);
            segments.remove(replay.segment);
            replay = null;
        }
        refreshCounts();
    }

    @Override
    public boolean isEmpty() {
        return empty;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Optional<Instant> oldest() {
        return Optional.ofNullable(oldest);
    }

    /** Closes the current segment and releases the directory; the segments stay for the next {@link #open}. */
    @Override
    public void close() {
        sealAppendSegment();
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            LOG.warnf("could not release the spool lock in %s: %s", directory, e.toString());
        }
    }

    private void scan() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> segmentName.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        for (Path file : files) {
            Matcher m = segmentName.matcher(file.getFileName().toString());
            if (m.matches()) {
                nextSequence = Math.max(nextSequence, Long.parseLong(m.group(1)) + 1);
            }
            byte[] bytes = Files.readAllBytes(file);
            Segment segment = new Segment(file);
            segment.bytes = bytes.length;
            for (int position = 0; position < bytes.length; ) {
                Line<T> line = read(bytes, position, codec);
                position = line.next();
                if (line.item() != null) {
                    segment.remaining++;
                    if (segment.firstStamp == null) {
                        segment.firstStamp = line.item().at();
                    }
                }
            }
            segments.addLast(segment);
        }
        refreshCounts();
    }

    private void startSegment() throws IOException {
        sealAppendSegment();
        Path path = directory.resolve(String.format("%s-%020d%s", prefix, nextSequence++, SUFFIX));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Segment segment = new Segment(path);
        segments.addLast(segment);
        empty = false;
        appendSegment = segment;
        appendChannel = channel;
        forceDirectory(); // the new file's name must survive a crash as well as its contents
    }

    private void sealAppendSegment() {
        FileChannel channel = appendChannel;
        appendChannel = null;
        appendSegment = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warnf("could not close spool segment: %s", e.toString());
            }
        }
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debugf("cannot force the directory %s (file system does not allow it): %s", directory, e.toString());
        }
    }

    private void refreshCounts() {
        long total = 0;
        Instant first = null;
        for (Segment segment : segments) {
            total += segment.remaining;
            if (first == null && segment.remaining > 0) {
                first = replay != null && replay.segment == segment ? nextStamp(replay) : segment.firstStamp;
            }
        }
        size = total;
        oldest = first;
        empty = segments.isEmpty();
    }

    /** The time stamp of the next readable line of the segment being replayed. */
    private Instant nextStamp(Replay r) {
        for (int position = r.position; position < r.bytes.length; ) {
            Line<T> line = read(r.bytes, position, codec);
            if (line.item() != null) {
                return line.item().at();
            }
            position = line.next();
        }
        return r.segment.firstStamp;
    }

    private byte[] encode(List<Stamped<T>> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 256);
        for (Stamped<T> item : items) {
            String payload = codec.encode(item.item());
            if (payload.indexOf('\n') >= 0 || payload.indexOf('\r') >= 0) {
                throw new IllegalStateException("a spool codec must not write line breaks");
            }
            byte[] body = (item.at().toEpochMilli() + "\t" + payload).getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(body);
            out.writeBytes((FRAME + "\t" + String.format("%08x", crc.getValue()) + "\t").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The line at {@code from}: its item, or null if it is torn (no newline) or does not check out. */
    private static <T> Line<T> read(byte[] data, int from, LineCodec<T> codec) {
        int newline = from;
        while (newline < data.length && data[newline] != '\n') {
            newline++;
        }
        if (newline == data.length) {
            return new Line<>(null, data.length); // a torn tail: the process died during this append
        }
        return new Line<>(decode(data, from, newline, codec), newline + 1);
    }

    private static <T> Stamped<T> decode(byte[] data, int from, int to, LineCodec<T> codec) {
        // S1 \t cccccccc \t body
        int header = FRAME.length() + 1 + 8 + 1;
        if (to - from < header || data[from] != 'S' || data[from + 1] != '1' || data[from + 2] != '\t'
                || data[from + 11] != '\t') {
            return null;
        }
        try {
            long expected = Long.parseLong(new String(data, from + 3, 8, StandardCharsets.US_ASCII), 16);
            CRC32 crc = new CRC32();
            crc.update(data, from + header, to - from - header);
            if (crc.getValue() != expected) {
                return null;
            }
            String body = new String(data, from + header, to - from - header, StandardCharsets.UTF_8);
            int tab = body.indexOf('\t');
            Instant at = Instant.ofEpochMilli(Long.parseLong(body.substring(0, tab)));
            return new Stamped<>(codec.decode(body.substring(tab + 1)), at);
        } catch (RuntimeException e) {
            LOG.debugf("unreadable spool line: %s", e.toString());
            return null;
        }
    }
}
