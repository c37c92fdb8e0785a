package dev.gemgate.domain.common;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An immutable value read on the request path from memory and replaced as a whole: by {@link #reload} from the store
 * that holds the truth (at start-up and then periodically: the application schedules it, the domain runs no threads),
 * and by {@link #amend} right after a change made on this instance, so that the change is in force here at once and on
 * every other replica within one reload period. A failed reload throws and keeps the last value.
 *
 * <p>{@code reload} and {@code amend} are serialised by one lock held across the store read, so a reload that read the
 * store before a change was written cannot replace the value after the change was amended into it.
 *
 * @param <S> the snapshot: immutable, so readers never lock
 */
public final class ReloadableSnapshot<S> {
    private final Supplier<S> load;
    private final ReentrantLock writes = new ReentrantLock();
    private volatile S current;

    /** {@code initial} serves until the first successful reload; {@code load} reads the store (and may throw). */
    public ReloadableSnapshot(S initial, Supplier<S> load) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.load = Objects.requireNonNull(load, "load");
    }

    public S get() {
        return current;
    }

    /** Replaces the value with what the store holds now; on a store failure it throws and keeps the old one. */
    public void reload() {
        writes.lock();
        try {
            current = Objects.requireNonNull(load.get(), "the store loaded nothing");
        } finally {
            writes.unlock();
        }
    }

    /** Replaces the value with {@code change} applied to it (a change this instance just stored). */
    public void amend(UnaryOperator<S> change) {
        writes.lock();
        try {
            current = Objects.requireNonNull(change.apply(current), "amended to nothing");
        } finally {
            writes.unlock();
        }
    }
}
