package dev.gemgate.application.generation;

import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.tenant.KeyScopes;

import java.util.List;

/**
 * The models a caller may call: those the gateway serves ({@link ModelCatalog}: listed by the upstream and priced now)
 * that the caller's key scope allows, by name. Never waits on the upstream once the catalog holds a list.
 */
public final class ListModels {
    public record Query(Caller caller) {
        public Query {
            if (caller == null) {
                throw new IllegalArgumentException("caller is required");
            }
        }
    }

    private final ModelCatalog catalog;

    public ListModels(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public List<ModelInfo> execute(Query query) {
        KeyScopes scopes = query.caller().scopes();
        return catalog.served().stream().filter(m -> scopes.permitsModel(m.id())).toList();
    }
}
