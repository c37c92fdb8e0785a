package dev.gemgate.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-credential usage of the model endpoints, always on and cheap (no bodies): for each API key or bearer token seen on
 * a generateContent, streamGenerateContent, countTokens, embedContent, batchEmbedContents or predict call, how many calls
 * started, when the first and the last arrived, and how many are in flight now.
 *
 * <p>A call is counted when routing has found a model action and the method is POST, whatever happens next (a refused
 * credential, an unknown model, a fault, a bad body are all counted: the question is what the client sent with that
 * key). It is in flight until the emulator is done with it (the end of a stream, a hang or a stall included): it leaves
 * just after its reply or stream has been written, or just before an error reply is written.
 *
 * <p>"How many calls did key k start after T?" is answered exactly with a {@link #mark() marker}: {@code mark()} takes a
 * snapshot of every key's call count, and {@link #callsSince(String, Marker)} is the count now minus the count in the
 * snapshot (all of them when the key was new, or cleared, since). A call counts as started once it has been counted;
 * calls running while {@code mark()} runs fall on one side or the other.
 *
 * <p>Per call: a {@link ConcurrentHashMap} lookup, two {@link LongAdder} increments, a read (rarely a compare-and-set) of
 * the last-seen instant and one decrement at the end. At most {@value #MAX_KEYS} distinct keys are kept; calls with
 * further keys are only counted in {@link #untrackedCalls()}.
 */
public final class KeyLog {

    /** How many distinct keys are kept until {@link #clear()}. */
    public static final int MAX_KEYS = 10_000;

    /**
     * One key's usage.
     *
     * @param key       the API key or bearer token, in full
     * @param calls     calls started with it since it was first seen (or since the last clear)
     * @param firstSeen when the first of them arrived
     * @param lastSeen  when the latest of them arrived
     * @param inFlight  how many of them the emulator is still answering
     */
    public record KeyUsage(String key, long calls, Instant firstSeen, Instant lastSeen, int inFlight) {
    }

    /** A snapshot of the call counts, for {@link #callsSince(String, Marker)}. */
    public static final class Marker {
        private final Map<String, Snapshot> counts;
        private final Instant at;

        private Marker(Map<String, Snapshot> counts, Instant at) {
            this.counts = counts;
            this.at = at;
        }

        /** When the marker was taken. */
        public Instant at() {
            return at;
        }
    }

    private record Snapshot(Entry entry, long calls) {
    }

    /** One key's counters. */
    static final class Entry {
        final String key;
        final Instant firstSeen;
        final LongAdder calls = new LongAdder();
        final LongAdder inFlight = new LongAdder();
        final AtomicReference<Instant> lastSeen;

        Entry(String key, Instant firstSeen) {
            this.key = key;
            this.firstSeen = firstSeen;
            this.lastSeen = new AtomicReference<>(firstSeen);
        }

        /** The end of a call counted by {@link KeyLog#start(String)}. */
        void finish() {
            if (this != NOBODY) {
                inFlight.decrement();
            }
        }

        KeyUsage usage() {
            return new KeyUsage(key, calls.sum(), firstSeen, lastSeen.get(), (int) Math.max(0, inFlight.sum()));
        }
    }

    /** What {@link #start(String)} returns for a call without a credential or past {@link #MAX_KEYS}. */
    static final Entry NOBODY = new Entry("", Instant.EPOCH);

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder untracked = new LongAdder();

    /** Counts the start of a call carrying {@code key} (null or empty: nothing); call {@link Entry#finish()} at its end. */
    Entry start(String key) {
        if (key == null || key.isEmpty()) {
            return NOBODY;
        }
        Instant now = Instant.now();
        Entry entry = entries.get(key);
        if (entry == null) {
            if (entries.size() >= MAX_KEYS) {
                untracked.increment();
                return NOBODY;
            }
            entry = entries.computeIfAbsent(key, k -> new Entry(k, now));
        }
        entry.inFlight.increment();
        entry.calls.increment();
        Instant last = entry.lastSeen.get();
        while (now.isAfter(last) && !entry.lastSeen.compareAndSet(last, now)) {
            last = entry.lastSeen.get();
        }
        return entry;
    }

    /** The usage of one key (compared exactly), or empty when no call carried it since the last clear. */
    public Optional<KeyUsage> usage(String key) {
        Entry entry = entries.get(Objects.requireNonNull(key, "key"));
        return entry == null ? Optional.empty() : Optional.of(entry.usage());
    }

    /** Every key's usage, in the order the keys were first seen. */
    public List<KeyUsage> all() {
        List<KeyUsage> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            out.add(e.usage());
        }
        out.sort(Comparator.comparing(KeyUsage::firstSeen).thenComparing(KeyUsage::key));
        return List.copyOf(out);
    }

    /** Calls started with {@code key} (0 when never seen). */
    public long calls(String key) {
        return usage(key).map(KeyUsage::calls).orElse(0L);
    }

    /** Calls in flight now with {@code key}. */
    public int inFlight(String key) {
        return usage(key).map(KeyUsage::inFlight).orElse(0);
    }

    /** A snapshot of every key's call count, to ask later how many calls a key started since. */
    public Marker mark() {
        Map<String, Snapshot> counts = new HashMap<>();
        for (Entry e : entries.values()) {
            counts.put(e.key, new Snapshot(e, e.calls.sum()));
        }
        return new Marker(Map.copyOf(counts), Instant.now());
    }

    /**
     * How many calls carrying {@code key} started after {@code marker} was taken: exact for calls that started before or
     * after {@link #mark()} ran; a {@link #clear()} in between counts the calls since the clear.
     */
    public long callsSince(String key, Marker marker) {
        Objects.requireNonNull(marker, "marker");
        Entry entry = entries.get(Objects.requireNonNull(key, "key"));
        if (entry == null) {
            return 0;
        }
        Snapshot before = marker.counts.get(key);
        long base = before != null && before.entry() == entry ? before.calls() : 0;
        return entry.calls.sum() - base;
    }

    /** Calls not logged because {@value #MAX_KEYS} keys were already kept. */
    public long untrackedCalls() {
        return untracked.sum();
    }

    /**
     * Forgets every key. Calls in flight then are not counted again, nor in the in-flight figure of a key seen again
     * afterwards.
     */
    public void clear() {
        entries.clear();
        untracked.reset();
    }

    /** {@code ...abcd}: the last 4 characters (the whole key masked when it has 4 or fewer). */
    static String mask(String key) {
        if (key == null) {
            return null;
        }
        return key.length() <= 4 ? "..." : "..." + key.substring(key.length() - 4);
    }
}
