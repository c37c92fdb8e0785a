package dev.gemgate.domain.upstream;

/**
 * Told after an administrator changed the pool (added, drained, disabled, deleted a credential), so that this replica
 * uses the change at once; other replicas see it at their next periodic reload.
 */
@FunctionalInterface
public interface CredentialChangeListener {
    CredentialChangeListener NONE = () -> { };

    void changed();
}
