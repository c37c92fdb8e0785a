package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;

/**
 * One model a caller may call. A model outside the key's scope is refused first (403 PERMISSION_DENIED, as
 * generateContent refuses it: {@link Admission#outOfScope}), so a scoped key learns nothing of other models; a model
 * the gateway does not serve (unpriced, or not listed by the upstream) is 404.
 */
public final class GetModel {
    public record Query(Caller caller, ModelId model) {
        public Query {
            if (caller == null || model == null) {
                throw new IllegalArgumentException("caller and model are required");
            }
        }
    }

    private final ModelCatalog catalog;

    public GetModel(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public ModelInfo execute(Query query) {
        ModelId model = query.model();
        if (!query.caller().scopes().permitsModel(model)) {
            throw Admission.outOfScope(query.caller(), model);
        }
        return catalog.find(model).orElseThrow(() -> ModelAccess.notServed(model));
    }
}
