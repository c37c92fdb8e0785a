package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;

import java.util.List;
import java.util.Set;

/** Port: the upstream credentials Gemgate may use. */
public interface UpstreamKeyVault {
    /** A usable credential for {@code model}; throws {@code UpstreamException(UNAVAILABLE)} when there is none. */
    UpstreamCredential select(ModelId model);

    List<UpstreamCredential> all();

    /**
     * The credential of one attempt at {@code model}, other than those in {@code tried} when the vault has another
     * (a retry moves to another credential). A vault of one credential always answers it.
     */
    default CredentialChoice choose(ModelId model, Set<UpstreamCredentialId> tried) {
        return new CredentialChoice.Use(select(model));
    }

    /**
     * The credential of an attempt that must use {@code credential} and no other: a call naming a server-side resource
     * (a file, a context cache, a batch job), which lives in the Google project of the credential that created it.
     * {@link CredentialChoice.None} when the vault no longer has it or may not use it now. By default: the vault's
     * credential of that id, whatever its health.
     */
    default CredentialChoice pinned(UpstreamCredentialId credential) {
        return all().stream().filter(c -> c.id().equals(credential)).findFirst()
                .<CredentialChoice>map(CredentialChoice.Use::new)
                .orElseGet(() -> new CredentialChoice.None("the upstream credential holding this resource is gone"));
    }

    /** Google rejected {@code credential} (401, 403, an invalid key): a pool holds it out for a while. */
    default void rejected(UpstreamCredentialId credential, int upstreamStatus) {
    }

    /** A call with {@code credential} starts; paired with {@link #ended} (a pool counts calls in flight). */
    default void started(UpstreamCredentialId credential) {
    }

    default void ended(UpstreamCredentialId credential) {
    }
}
