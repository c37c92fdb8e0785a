package dev.gemgate.domain.common;

/**
 * The failures of steps that must all be tried even when some fail (giving back every slice, renewing every lease):
 * collected as they come, and the first thrown at the end with the others suppressed on it.
 */
public final class Failures {
    private RuntimeException first;

    public void add(RuntimeException failure) {
        if (first == null) {
            first = failure;
        } else {
            first.addSuppressed(failure);
        }
    }

    /** Throws the first failure collected, if any. */
    public void throwIfAny() {
        if (first != null) {
            throw first;
        }
    }
}
