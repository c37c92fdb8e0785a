package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.tenant.KeyScopes;

import java.util.List;

/**
 * The models a caller may call: those the gateway serves ({@link ModelCatalog}: listed by the upstream and priced now)
 * that the caller's key scope allows, by name. Never waits on the upstream once the catalog holds a list. One request
 * against the caller's request limits ({@link Admission#admitRead}).
 */
public final class ListModels {
    public record Query(Caller caller) {
        public Query {
            if (caller == null) {
                throw new IllegalArgumentException("caller is required");
            }
        }
    }

    /** The models, and where the caller stands on its rate limits (for the response's headers). */
    public record Result(List<ModelInfo> models, RateLimitStatus rateLimits) {
    }

    private final ModelCatalog catalog;
    private final Admission admission;

    public ListModels(ModelCatalog catalog, Admission admission) {
        this.catalog = catalog;
        this.admission = admission;
    }

    public Result execute(Query query) {
        RateLimitStatus rateLimits = admission.admitRead(query.caller());
        KeyScopes scopes = query.caller().scopes();
        return new Result(catalog.served().stream().filter(m -> scopes.permitsModel(m.id())).toList(), rateLimits);
    }
}
