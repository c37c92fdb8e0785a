package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;

import java.util.List;

/** Port: the upstream credentials Gemgate may use. */
public interface UpstreamKeyVault {
    /** A usable credential for {@code model}; throws {@code UpstreamException(UNAVAILABLE)} when there is none. */
    UpstreamCredential select(ModelId model);

    List<UpstreamCredential> all();
}
