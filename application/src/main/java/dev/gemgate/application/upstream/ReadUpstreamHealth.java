package dev.gemgate.application.upstream;

import dev.gemgate.domain.upstream.CredentialPool;

import java.util.List;

/**
 * The upstream pool's health as this replica sees it (health is learnt per replica from outcomes): each credential's
 * status and weight, its calls in flight, whether it is held out after Google rejected it, and the state of each of
 * its circuits; and whether any credential can serve (the readiness rule). A read: not audited.
 */
public final class ReadUpstreamHealth {
    /** {@code canServe}: some credential can take a call (readiness is DOWN otherwise). */
    public record Result(boolean canServe, List<CredentialPool.Health> credentials) {
    }

    private final CredentialPool pool;

    public ReadUpstreamHealth(CredentialPool pool) {
        this.pool = pool;
    }

    public Result execute() {
        return new Result(pool.canServe(), pool.health());
    }
}
