package dev.gemgate.emulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls per model and API method, always on and cheap (no bodies): how many calls of each action (generateContent,
 * embedContent, batchEmbedContents, batchGenerateContent, ...) reached the emulator for each model, and how many
 * requests they carried in all (a {@code batchEmbedContents} call carries its {@code requests}, a batch job its inlined
 * requests, any other call 1). This is what proves that a gateway merged many {@code embedContent} calls into a few
 * {@code batchEmbedContents} calls: {@code calls("gemini-embedding-001", "batchEmbedContents")} is small and
 * {@code items(...)} is the number of texts.
 *
 * <p>A call is counted once routing found a known model that serves the action and the method is POST, before faults
 * and body checks (a faulted or refused call reached the emulator too); items are counted from the body when it parses.
 */
public final class ActionLog {

    /** One model's counts for one action. */
    public record Usage(String model, String action, long calls, long items, long largestCall) {
    }

    private record Key(String model, String action) {
    }

    private static final class Counts {
        final LongAdder calls = new LongAdder();
        final LongAdder items = new LongAdder();
        final LongAccumulator largest = new LongAccumulator(Math::max, 0);
    }

    private final Map<Key, Counts> counts = new ConcurrentHashMap<>();

    void count(String model, String action, long items) {
        Counts c = counts.computeIfAbsent(new Key(model, action), k -> new Counts());
        c.calls.increment();
        c.items.add(items);
        c.largest.accumulate(items);
    }

    /** Calls of {@code action} for {@code model} (id, {@code models/} prefix ignored); 0 when none. */
    public long calls(String model, String action) {
        Counts c = counts.get(new Key(FaultPlan.normalizeModel(model), action));
        return c == null ? 0 : c.calls.sum();
    }

    /** Requests those calls carried in all (a batchEmbedContents call: its requests; other calls: 1 each). */
    public long items(String model, String action) {
        Counts c = counts.get(new Key(FaultPlan.normalizeModel(model), action));
        return c == null ? 0 : c.items.sum();
    }

    /** The counts for one model and action. */
    public Usage usage(String model, String action) {
        String id = FaultPlan.normalizeModel(model);
        Counts c = counts.get(new Key(id, action));
        return c == null ? new Usage(id, action, 0, 0, 0)
                : new Usage(id, action, c.calls.sum(), c.items.sum(), c.largest.get());
    }

    /** Every model and action seen, sorted by model then action. */
    public List<Usage> all() {
        List<Usage> all = new ArrayList<>();
        counts.forEach((k, c) -> all.add(new Usage(k.model(), k.action(), c.calls.sum(), c.items.sum(), c.largest.get())));
        all.sort(Comparator.comparing(Usage::model).thenComparing(Usage::action));
        return all;
    }

    /** Forgets every count. */
    public void clear() {
        counts.clear();
    }
}
